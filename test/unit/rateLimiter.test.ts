import { rateLimiter } from '../../src/plugins/clientLimits';

/**
 * The per-client request-rate budget (RATE_LIMIT_*) at one instant and a little later, on a frozen clock:
 * how many of a burst it lets through. A client at its budget is spread over the second (a tenth of the
 * budget per tenth of a second, plus the burst allowance), not given the whole second's budget at once.
 */
describe('request-rate limiter', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** How many of `count` requests of one client, sent at the current instant, it lets through. */
  async function passed(limiter: NonNullable<ReturnType<typeof rateLimiter>>, count: number): Promise<number> {
    const answers = await Promise.allSettled(Array.from({ length: count }, () => limiter.consume('client')));
    return answers.filter((a) => a.status === 'fulfilled').length;
  }

  it('lets through a tenth of the rate per tenth of a second, plus half a second of burst once per 10 s', async () => {
    const limiter = rateLimiter(100, 'test-rate')!;
    // 10 in this tenth of a second and the burst allowance of 50; a whole second's 100 would pass at once
    // with a one-second window.
    expect(await passed(limiter, 100)).toBe(60);
    jest.advanceTimersByTime(100);
    // The next tenth: 10 more; the burst allowance is spent for 10 s.
    expect(await passed(limiter, 100)).toBe(10);
    jest.advanceTimersByTime(100);
    expect(await passed(limiter, 1)).toBe(1);
  });

  it('counts a rate below 10 a second one request at a time, each in its share of the second', async () => {
    const limiter = rateLimiter(2, 'test-slow')!;
    // One in this half second, and one of burst.
    expect(await passed(limiter, 5)).toBe(2);
    jest.advanceTimersByTime(500);
    expect(await passed(limiter, 5)).toBe(1);
  });

  it('is off at 0', () => {
    expect(rateLimiter(0, 'test-off')).toBeNull();
  });
});
