import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { isAlive } from '../../src/embedded/pidFile';
import { freePort } from '../../src/net';
import { CLIENT_BUDGETS_OFF, startServerProcess, type ProcessExit, type ServerProcess } from '../../harness/serverProcess';

/**
 * SIGTERM during a load, against the real process in embedded mode (it starts and seeds its own Neo4j):
 * requests the server is executing complete with their correct answers, new connections are refused
 * from the moment shutdown begins, the process exits with code 0 within the grace period plus a
 * margin, and the embedded Neo4j is gone with its port free.
 *
 * "In flight" is made exact rather than assumed: the slow requests carry their own request ids, and
 * SIGTERM is sent only once Neo4j's `SHOW TRANSACTIONS` shows a transaction of each of them running.
 * (A request still on the wire, not yet read by the server, is reset like at any server that stops
 * accepting; the steady stream may see that, and the test allows it only as a connection error.)
 */

const GRACE_MS = 5_000;
/** Closing the driver and stopping the embedded Neo4j (a checkpoint, the JVM's exit) on 2 busy cores. */
const EXIT_MARGIN_MS = 20_000;
const SLOW_REQUESTS = 4;
const STREAM_WORKERS = 3;

const SLOW = /* GraphQL */ `{ impact(of: ["dep-bayan-obo", "dep-lovozero", "dep-mount-weld", "dep-mountain-pass"], maxHops: 12) {
  affected { hops fullyExposed entity { id } alternatives { id } path { nodes { id } } } byKind { key count } } }`;
const FAST = [
  /* GraphQL */ `{ element(symbol: "Nd") { name symbol } }`,
  /* GraphQL */ `{ facilities(first: 20, sort: { field: NAME }) { edges { node { id name operator { name } } } } }`,
  /* GraphQL */ `{ dependents(of: "dep-tastyg", kinds: [FACILITY]) { hops entity { id } } }`,
];

interface Outcome {
  readonly sentAt: number;
  readonly doneAt: number;
  /** HTTP status, or the connection error's code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …). */
  readonly result: number | string;
  readonly body?: unknown;
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? String(error);
}

/** POSTs a query over the shared keep-alive pool of `fetch`, as a browser or a client library would. */
async function post(url: string, query: string, requestId?: string): Promise<Outcome> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(30_000),
    });
    return { sentAt, doneAt: Date.now(), result: response.status, body: await response.json() };
  } catch (error) {
    return { sentAt, doneAt: Date.now(), result: errorCode(error) };
  }
}

interface Stream {
  /** Resolves once every client of the stream has had an answer: the stream is flowing. */
  readonly flowing: Promise<void>;
  /** Stops sending and resolves with every request sent and its outcome. */
  stop(): Promise<{ query: string; outcome: Outcome }[]>;
}

/** The events of a shutdown a client of the stream waits for after a connection error, instead of a timer. */
interface ShutdownEvents {
  /** The server has logged that it is shutting down: from then on a new connection is refused. */
  readonly logged: Promise<unknown>;
  /** The process has exited. */
  readonly exited: Promise<unknown>;
}

/**
 * A steady stream of fast queries from STREAM_WORKERS clients. After a connection error a client does
 * not retry on a timer: it waits for the next shutdown event (the shutdown logged, then the exit), sends
 * one more request after each, and then stops.
 */
function startStream(url: string, events: ShutdownEvents): Stream {
  let streaming = true;
  let stopped!: () => void;
  const stopping = new Promise<void>((resolve) => (stopped = resolve));
  let logged = false;
  let exited = false;
  void events.logged.then(() => (logged = true));
  void events.exited.then(() => (exited = true));
  let answeringWorkers = 0;
  let nowFlowing!: () => void;
  const flowing = new Promise<void>((resolve) => (nowFlowing = resolve));
  const sent: { query: string; outcome: Outcome }[] = [];
  const workers = Array.from({ length: STREAM_WORKERS }, async (_, worker) => {
    let answered = false;
    for (let i = worker; streaming; i++) {
      const query = FAST[i % FAST.length]!;
      const outcome = await post(url, query);
      sent.push({ query, outcome });
      if (outcome.result === 200 && !answered) {
        answered = true;
        if (++answeringWorkers === STREAM_WORKERS) nowFlowing();
      }
      if (typeof outcome.result === 'string') {
        if (!logged) await Promise.race([events.logged, stopping]);
        else if (!exited) await Promise.race([events.exited, stopping]);
        else break;
      }
    }
  });
  return {
    flowing,
    stop: async () => {
      streaming = false;
      stopped();
      await Promise.all(workers);
      return sent;
    },
  };
}

/** POSTs on a connection of its own (no keep-alive pool): the outcome of a brand-new client. */
function postOnNewConnection(url: string, query: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.request(`${url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => resolve(errorCode(error)));
    request.end(JSON.stringify({ query }));
  });
}

/** Pids of the processes whose command line mentions `text` (like `pgrep -f`). */
function processesMentioning(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** True when nothing listens on the port any more: we can listen on it ourselves. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Request ids of the transactions running in Neo4j (the executor puts them in the transaction metadata). */
async function runningRequestIds(probe: Driver): Promise<string[]> {
  const { records } = await probe.executeQuery('SHOW TRANSACTIONS YIELD metaData RETURN collect(metaData.requestId) AS ids');
  return (records[0]?.get('ids') as string[] | undefined) ?? [];
}

/**
 * Sends SLOW_REQUESTS slow requests and resolves once each has been seen running in Neo4j while none has
 * completed: from then on all of them are in flight. A batch that finishes too soon (a loaded machine
 * reorders everything) is replaced by a new one.
 */
async function slowRequestsInFlight(url: string, probe: Driver): Promise<Promise<Outcome>[]> {
  for (let batch = 0; batch < 5; batch++) {
    const ids = Array.from({ length: SLOW_REQUESTS }, (_, i) => `slow-${batch}-${i}`);
    const seen = new Set<string>();
    let completed = 0;
    const requests = ids.map((id) =>
      post(url, SLOW, id).then((outcome) => {
        completed++;
        return outcome;
      }),
    );
    while (completed === 0 && seen.size < ids.length) {
      for (const id of await runningRequestIds(probe)) if (ids.includes(id)) seen.add(id);
    }
    if (completed === 0) return requests;
    await Promise.all(requests);
  }
  throw new Error('no batch of slow requests was ever seen running all at once');
}

describe('graceful shutdown under load (embedded mode)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-shutdown-'));
  let boltPort: number;
  let server: ServerProcess;
  let neo4jPid: number;

  beforeAll(async () => {
    boltPort = await freePort();
    server = await startServerProcess(
      {
        NEO4J_EMBEDDED_DATA_DIR: dataDir,
        NEO4J_EMBEDDED_PORT: String(boltPort),
        NEO4J_EMBEDDED_HEAP: '512m',
        NEO4J_EMBEDDED_PAGECACHE: '64m',
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        LOG_LEVEL: 'info',
        // The stream's clients are one anonymous client to the server; on a fast machine they could pass
        // its request-rate budget, which is not what this test is about.
        ...CLIENT_BUDGETS_OFF,
      },
      { readyTimeoutMs: 180_000 },
    );
    neo4jPid = Number(fs.readFileSync(path.join(dataDir, 'embedded-neo4j.pid'), 'utf8'));
  }, 200_000);

  afterAll(async () => {
    await server?.stop(5_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, refuses new ones, stops Neo4j and exits with 0', async () => {
    expect(isAlive(neo4jPid)).toBe(true);
    // Reference answers, and a warm server (the first traversal plans its Cypher).
    const expected = new Map<string, unknown>();
    for (const query of [SLOW, ...FAST]) {
      await post(server.url, query);
      const { result, body } = await post(server.url, query);
      expect(result).toBe(200);
      expect((body as { errors?: unknown }).errors).toBeUndefined();
      expected.set(query, body);
    }

    let shutdownLogged!: () => void;
    const logged = new Promise<void>((resolve) => (shutdownLogged = resolve));
    const stream = startStream(server.url, { logged, exited: server.exited });
    let slow: Promise<Outcome>[];
    let sigtermAt: number;
    let refusedFrom: number;
    let lateClients: (number | string)[];
    let exit: ProcessExit;
    let exitedAfterMs: number;
    const probe = neo4j.driver(`bolt://127.0.0.1:${boltPort}`);
    try {
      // The stream is flowing (every client has had an answer) before the slow requests start.
      await within(stream.flowing, 30_000, 'an answer to every client of the stream');
      slow = await slowRequestsInFlight(server.url, probe);
      sigtermAt = Date.now();
      process.kill(server.pid, 'SIGTERM');
      await server.waitForLine((line) => line.includes('shutting down'), 5_000);
      refusedFrom = Date.now();
      shutdownLogged();
      lateClients = await Promise.all(FAST.map((query) => postOnNewConnection(server.url, query)));
      exit = await within(server.exited, GRACE_MS + EXIT_MARGIN_MS + 10_000, 'the process to exit');
      exitedAfterMs = Date.now() - sigtermAt;
    } catch (error) {
      await stream.stop(); // its clients would otherwise wait for shutdown events that never come
      throw error;
    } finally {
      await probe.close();
    }
    const streamed = await stream.stop();

    // Every request in flight at SIGTERM completed, with the same answer as before.
    for (const outcome of await Promise.all(slow)) {
      expect(outcome.result).toBe(200);
      expect(outcome.body).toEqual(expected.get(SLOW));
      expect(outcome.doneAt).toBeGreaterThan(sigtermAt);
    }
    // New clients are refused at the TCP level from the moment shutdown is logged.
    expect(lateClients).toEqual(FAST.map(() => 'ECONNREFUSED'));
    // The stream: correct answers before and during the drain, connection errors after; never an HTTP error.
    const answered = streamed.filter(({ outcome }) => typeof outcome.result === 'number');
    for (const { query, outcome } of answered) {
      expect(outcome.result).toBe(200);
      expect(outcome.body).toEqual(expected.get(query));
    }
    expect(streamed.filter(({ outcome }) => outcome.doneAt < sigtermAt).every(({ outcome }) => outcome.result === 200)).toBe(true);
    const late = streamed.filter(({ outcome }) => outcome.sentAt >= refusedFrom);
    expect(late.length).toBeGreaterThan(0);
    for (const { outcome } of late) expect(outcome.result).toEqual(expect.stringMatching(/^(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|EPIPE)$/));

    // The requests drained within the grace period (none was cut off), then a clean exit within the
    // grace period plus the time to close the driver and stop Neo4j.
    const drained = JSON.parse(await server.waitForLine((line) => line.includes('HTTP server drained'), 0)) as { ms: number; withinGrace: boolean };
    expect(drained).toMatchObject({ withinGrace: true, ms: expect.any(Number) });
    expect(drained.ms).toBeLessThan(GRACE_MS);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(GRACE_MS + EXIT_MARGIN_MS);
    expect(await server.waitForLine((line) => line.includes('"msg":"stopped"'), 0)).toContain('"exitCode":0');
    expect(isAlive(neo4jPid)).toBe(false);
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(await portIsFree(boltPort)).toBe(true);

    const summary = {
      drainedMs: drained.ms,
      exitedAfterMs,
      stream: streamed.reduce<Record<string, number>>((counts, { outcome }) => ({ ...counts, [outcome.result]: (counts[outcome.result] ?? 0) + 1 }), {}),
      lateStream: late.length,
    };
    process.stdout.write(`shutdown: ${JSON.stringify(summary)}\n`);
  }, 120_000);
});
