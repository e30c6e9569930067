import { createHash } from 'node:crypto';
import { until } from '../../harness/events';
import { startHaproxy, type Balancer } from '../../harness/haproxy';
import { startRedis, type RedisProcess } from '../../harness/redis';
import { CLIENT_BUDGETS_OFF, startServerProcess, testDatabaseEnv, type ProcessExit, type ServerProcess } from '../../harness/serverProcess';

/**
 * Several instances behind a real HAProxy, with a shared APQ cache in a real Redis (#15).
 *
 * - Automatic persisted queries registered through one instance resolve through another, directly and
 *   through the balancer; an instance with the in-memory default (no APQ_CACHE_URL) does not know them,
 *   which is what the shared cache changes.
 * - SIGTERM to one instance under a steady load through the balancer: every request of the clients is
 *   answered 200 with its data, none fails. The instance leaves the pool first (/ready answers 503 for
 *   SHUTDOWN_DELAY_MS before its listener closes); a connection refused anyway is retried on the other
 *   instance (conn-failure, safe for a POST). Closing the listener at once instead loses the requests
 *   whose connection the kernel had accepted but the server had not: they are reset, which HAProxy may
 *   not replay for a POST. See harness/haproxy.ts for the configuration.
 * - Redis gone: a hash alone is PERSISTED_QUERY_NOT_FOUND (a miss), the full query is answered, and the
 *   instance stays ready.
 */

const GRACE_MS = 5_000;
/** Ten health-check intervals of the balancer. */
const SHUTDOWN_DELAY_MS = 1_000;
const LOAD_CLIENTS = 4;
/** Requests each instance answers under the load before one is stopped. */
const LOAD_WARM_UP = 30;
/** Requests each client sends once the stopped instance has left the pool, before the load ends. */
const REQUESTS_AFTER_DOWN = 25;

const ELEMENT = /* GraphQL */ `{ element(symbol: "Nd") { name symbol } }`;
const FACILITIES = /* GraphQL */ `{ facilities(first: 5, sort: { field: NAME }) { edges { node { id name } } } }`;
const ELEMENTS = [
  /* GraphQL */ `{ shared: element(symbol: "Dy") { name symbol } }`,
  /* GraphQL */ `{ balanced: element(symbol: "Tb") { name symbol } }`,
  /* GraphQL */ `{ local: element(symbol: "Pr") { name symbol } }`,
  /* GraphQL */ `{ redisDown: element(symbol: "Sm") { name symbol } }`,
] as const;
const [SHARED, BALANCED, LOCAL, REDIS_DOWN] = ELEMENTS;

interface GraphQLBody {
  readonly data?: unknown;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

interface Outcome {
  /** HTTP status, or the connection error's code. */
  readonly result: number | string;
  readonly body?: GraphQLBody;
}

function sha256(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? String(error);
}

async function post(url: string, body: object): Promise<Outcome> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: GraphQLBody | undefined;
    try {
      parsed = JSON.parse(text) as GraphQLBody;
    } catch {
      parsed = { errors: [{ message: text.slice(0, 200) }] }; // HAProxy's own error page
    }
    return { result: response.status, body: parsed };
  } catch (error) {
    return { result: errorCode(error) };
  }
}

/** The APQ protocol's registration: the query with its hash. */
function register(url: string, query: string): Promise<Outcome> {
  return post(url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
}

/** The APQ protocol's lookup: the hash alone. */
function byHash(url: string, query: string): Promise<Outcome> {
  return post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
}

/**
 * Resolves once Redis holds the persisted query under our namespace. Apollo writes a registration
 * without waiting for it (the answer may reach the client first), so a lookup on another instance is
 * made only once the write has landed.
 */
async function stored(redis: RedisProcess, query: string): Promise<void> {
  await until(async () => (await redis.command(['EXISTS', `cmg-apq::apq:${sha256(query)}`])) === ':1', `the hash of ${query} in Redis`, 5_000);
}

function codes(outcome: Outcome): (string | undefined)[] {
  return (outcome.body?.errors ?? []).map((error) => error.extensions?.code);
}

/** Answered: HTTP 200 with data and no errors. */
function answered(outcome: Outcome): boolean {
  return outcome.result === 200 && outcome.body?.data != null && outcome.body.errors === undefined;
}

describe('instances behind HAProxy with a shared APQ cache', () => {
  let redis: RedisProcess | undefined;
  /** a and b share the APQ cache in Redis and sit behind the balancer; local keeps Apollo's in-memory one. */
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let local: ServerProcess | undefined;
  let balancer: Balancer | undefined;
  const expected = new Map<string, unknown>();

  beforeAll(async () => {
    redis = await startRedis();
    // SHUTDOWN_DELAY_MS: on SIGTERM an instance answers /ready with 503 and keeps its listener open that
    // long, so the balancer takes it out of the pool (fall 1 × inter 100 ms) before it refuses connections.
    // The load clients all come from this machine's address: to the instances they are one anonymous
    // client, and once one instance has left the pool the other takes the whole load, which on a fast
    // machine passes the per-client request rate (100/s). This test is about the balancer, not that budget
    // (clientLimits.int.test.ts covers it), so the budgets are off here.
    const env = {
      ...testDatabaseEnv(),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      TRUST_PROXY: 'loopback',
      ...CLIENT_BUDGETS_OFF,
    };
    const started = await Promise.allSettled([
      startServerProcess({ ...env, APQ_CACHE_URL: redis.url, LOG_LEVEL: 'info' }),
      startServerProcess({ ...env, APQ_CACHE_URL: redis.url }),
      startServerProcess(env),
    ]);
    [a, b, local] = started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    balancer = await startHaproxy([
      { name: 'a', url: a!.url },
      { name: 'b', url: b!.url },
    ]);
    await balancer.allUp();
    for (const query of [ELEMENT, FACILITIES, ...ELEMENTS]) {
      const outcome = await post(b!.url, { query });
      expect(answered(outcome)).toBe(true);
      expected.set(query, outcome.body?.data);
    }
  }, 80_000);

  afterAll(async () => {
    await Promise.allSettled([balancer?.stop(), a?.stop(5_000), b?.stop(5_000), local?.stop(5_000)]);
    await redis?.stop();
  });

  it('resolves a query registered through one instance through the other, directly and through the balancer', async () => {
    expect(codes(await byHash(b!.url, SHARED))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(answered(await register(a!.url, SHARED))).toBe(true);
    await stored(redis!, SHARED);
    const lookup = await byHash(b!.url, SHARED);
    expect(answered(lookup)).toBe(true);
    expect(lookup.body?.data).toEqual(expected.get(SHARED));

    // Through the balancer: registered on whichever instance, then looked up (round robin) on both.
    expect(answered(await register(balancer!.url, BALANCED))).toBe(true);
    await stored(redis!, BALANCED);
    const lookups = await Promise.all([balancer!.url, balancer!.url, balancer!.url, balancer!.url, a!.url, b!.url].map((url) => byHash(url, BALANCED)));
    for (const outcome of lookups) {
      expect(answered(outcome)).toBe(true);
      expect(outcome.body?.data).toEqual(expected.get(BALANCED));
    }
  });

  it('without a shared cache, a query registered on one instance is unknown to the others', async () => {
    expect(answered(await register(local!.url, LOCAL))).toBe(true);
    expect(answered(await byHash(local!.url, LOCAL))).toBe(true);
    expect(codes(await byHash(a!.url, LOCAL))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // Registered in Redis, unknown to the instance with its own cache.
    expect(codes(await byHash(local!.url, SHARED))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('answers every request when one instance is stopped (SIGTERM) under steady load', async () => {
    const stopped = a!;
    const requests: { sent: object; query: string; outcome: Outcome }[] = [];
    let down = false;
    let stopLoad = false;
    const clients = Array.from({ length: LOAD_CLIENTS }, async (_, client) => {
      let afterDown = 0;
      for (let i = client; !stopLoad && afterDown < REQUESTS_AFTER_DOWN; i++) {
        // Plain queries, and persisted ones by hash (registered in beforeAll's Redis by the first test).
        const [query, sent] =
          i % 3 === 2 ? [SHARED, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(SHARED) } } }] : [i % 3 ? FACILITIES : ELEMENT, { query: i % 3 ? FACILITIES : ELEMENT }];
        const wasDown = down;
        const outcome = await post(balancer!.url, sent);
        requests.push({ sent, query, outcome });
        if (wasDown) afterDown++;
      }
    });
    let exit: ProcessExit;
    try {
      // Load flowing through both instances before the signal: each has answered LOAD_WARM_UP requests.
      for (const name of ['a', 'b']) {
        let served = 0;
        await balancer!.waitForLine((line) => line.includes(` graphql instances/${name} `) && ++served === LOAD_WARM_UP, 20_000);
      }
      process.kill(stopped.pid, 'SIGTERM');
      await stopped.waitForLine((line) => line.includes('shutting down'), 5_000);
      await balancer!.waitForLine((line) => line.includes('Server instances/a is DOWN'), 10_000);
      down = true;
      exit = await stopped.exited;
    } finally {
      stopLoad = down ? stopLoad : true; // a failed wait ends the load at once
      await Promise.all(clients);
    }

    const failures = requests.filter(({ outcome }) => !answered(outcome));
    expect(failures.map(({ outcome }) => outcome)).toEqual([]);
    for (const { query, outcome } of requests) expect(outcome.body?.data).toEqual(expected.get(query));
    expect(exit).toEqual({ code: 0, signal: null });
    expect((await balancer!.serverStates()).get('a')?.status).toMatch(/^DOWN/);
    const summary = {
      requests: requests.length,
      byInstance: Object.fromEntries(['a', 'b'].map((name) => [name, balancer!.output().split('\n').filter((line) => line.includes(` graphql instances/${name} `)).length])),
      // The retries field of HAProxy's log line (`+1`: redispatched to another server).
      retried: balancer!.output().split('\n').filter((line) => / \d+\/\d+\/\d+\/\d+\/\+?[1-9]\d* \d+\/\d+ "/.test(line)).length,
    };
    process.stdout.write(`balancer: ${JSON.stringify(summary)}\n`);
  }, 60_000);

  it('treats an unreachable APQ cache as a miss: the hash alone is not found, the full query is answered', async () => {
    await redis!.stop();
    const lookup = await byHash(b!.url, SHARED);
    expect(lookup.result).toBe(200);
    expect(codes(lookup)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const registered = await register(b!.url, REDIS_DOWN);
    expect(answered(registered)).toBe(true);
    expect(registered.body?.data).toEqual(expected.get(REDIS_DOWN));
    await b!.waitForLine((line) => line.includes('APQ cache (Redis) unavailable'), 5_000);
    expect((await fetch(`${b!.url}/ready`)).status).toBe(200);
  });
});
