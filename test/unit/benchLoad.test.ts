import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { interleave, loadHttp, Recording, roundsFor } from '../../bench/load';

/**
 * The benchmark's HTTP load runs against a local server whose every answer takes longer than the
 * whole run, as the peer's impact did on a slow CI machine (the quick mode runs one second).
 */
describe('loadHttp', () => {
  let server: http.Server;
  let url: string;
  let answerMs = 0;
  let answerBody = '{"data":{"ok":true}}';

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(answerBody), answerMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const check = (text: string) => (text.includes('"ok":true') ? null : 'not ok');

  it('measures a contender slower than the run instead of reporting that nothing was answered', async () => {
    answerMs = 1_500;
    answerBody = '{"data":{"ok":true}}';
    const result = await loadHttp(url, '{}', check, { durationSec: 0.5, connections: 2 });
    expect(result.firstFailure).toBeNull();
    expect(result.failures).toBe(0);
    expect(result.requests).toBeGreaterThanOrEqual(2);
    expect(result.p50Ms).toBeGreaterThanOrEqual(1_500);
  });

  it('counts a wrong answer as a failure, not as a fast success', async () => {
    answerMs = 0;
    answerBody = '{"data":{"ok":false}}';
    const result = await loadHttp(url, '{}', check, { durationSec: 0.3, connections: 2 });
    expect(result.failures).toBeGreaterThan(0);
    expect(result.firstFailure).toBe('not ok');
  });

  it('adds runs into one recording: their answers, and rates over their own time only', async () => {
    answerMs = 0;
    answerBody = '{"data":{"ok":true}}';
    const recording = new Recording();
    const timed = async () => {
      const started = performance.now();
      const result = await loadHttp(url, '{}', check, { durationSec: 0.3, connections: 2 }, recording);
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const first = await timed();
    // Time between the runs (another contender's turn) is not this contender's.
    const pauseSeconds = 1;
    await new Promise((resolve) => setTimeout(resolve, pauseSeconds * 1000));
    const second = await timed();
    const both = second.result;
    expect(first.result.requests).toBeGreaterThan(0);
    expect(both.requests).toBeGreaterThan(first.result.requests);
    expect(both.failures).toBe(0);
    // The rate is over the runs' own time (what requests / rps gives back), without the pause.
    const measured = both.requests / both.rps;
    expect(measured).toBeLessThanOrEqual((first.seconds + second.seconds) * 1.01);
    expect(measured).toBeGreaterThan((first.seconds + second.seconds) * 0.9);
    expect(measured).toBeLessThan(first.seconds + second.seconds + pauseSeconds / 2);
  });
});

describe('interleave', () => {
  it('runs every contender once a round, rotating which goes first', () => {
    expect(interleave(['ours', 'floor', 'peer'], 3)).toEqual(['ours', 'floor', 'peer', 'floor', 'peer', 'ours', 'peer', 'ours', 'floor']);
    expect(interleave(['ours', 'floor'], 1)).toEqual(['ours', 'floor']);
  });

  it('refuses a number of rounds that is not a positive integer', () => {
    for (const rounds of [0, -1, 1.5, Number.NaN]) expect(() => interleave(['a'], rounds)).toThrow(RangeError);
  });
});

describe('roundsFor', () => {
  it('keeps the rounds asked for when each holds ten answers per connection', () => {
    expect(roundsFor(10, 5, 20)).toBe(5);
    expect(roundsFor(10, 5, 200)).toBe(5);
  });

  it('takes fewer, down to one, for a question whose requests take longer', () => {
    expect(roundsFor(10, 5, 400)).toBe(2);
    expect(roundsFor(10, 5, 1_000)).toBe(1);
    expect(roundsFor(10, 5, 8_000)).toBe(1);
  });
});
