import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { sha256Hex } from '../../src/auth';
import { operationCost } from '../../src/plugins/limits';
import { buildSchema } from '../../src/schema';
import { until } from '../../harness/events';
import { holdLock, waitUntilBlocked } from '../support/locks';
import { removeTestData } from '../support/cleanup';
import { startTestServer, type RunningServer } from '../support/testServer';

/**
 * Per-client budgets over HTTP, against the real app and database: the request rate (429 before the
 * body is read, per API key or address, the address from X-Forwarded-For only when TRUST_PROXY says
 * so) and the summed cost of a client's operations in flight (held while they run, released however
 * they end).
 */
const run = randomBytes(4).toString('hex');
const WRITER_KEY = `writer-key-${run}-0123456789`;
const READER_KEY = `reader-key-${run}-0123456789`;
const API_KEYS = `carol-${run}:writer:${sha256Hex(WRITER_KEY)},dave-${run}:reader:${sha256Hex(READER_KEY)}`;
const CHEAP = /* GraphQL */ `{ __typename }`;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(server: RunningServer, query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

const servers: RunningServer[] = [];
async function server(env: Record<string, string>): Promise<RunningServer> {
  const started = await startTestServer(env);
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await removeTestData({ prefix: `test-${run}` });
});

function expectRateLimited(answer: Answer, limit: 'rate' | 'concurrentCost'): void {
  expect(answer.status).toBe(429);
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit });
  const seconds = answer.body.errors?.[0]?.extensions?.retryAfterSeconds;
  expect(typeof seconds === 'number' && seconds >= 1).toBe(true);
  expect(answer.retryAfter).toBe(String(seconds));
}

describe('request rate', () => {
  /** One request per second and a burst of one more: from a fresh budget, two answers, then 429 (sent at once). */
  const RATE = { RATE_LIMIT_ANONYMOUS: '1', RATE_LIMIT_AUTHENTICATED: '1000', RATE_LIMIT_HOLD_MS: '0', API_KEYS };
  /** The rate window; an exchange that must fall into one window has to finish within it. */
  const WINDOW_MS = 1_000;

  /**
   * Runs `exchange` against a server with a fresh budget, started for it, and returns the server. The
   * exchange speaks about one rate window: the window opens with its first request, so an exchange that
   * ends within WINDOW_MS of starting was all inside it. One that took longer (a stalled machine) says
   * nothing, and runs again against another fresh server.
   */
  async function inOneWindow(env: Record<string, string>, exchange: (s: RunningServer) => Promise<void>): Promise<RunningServer> {
    for (let attempt = 1; ; attempt++) {
      const fresh = await server(env);
      const started = performance.now();
      await exchange(fresh);
      if (performance.now() - started < WINDOW_MS) return fresh;
      if (attempt === 3) throw new Error(`three exchanges each took longer than the ${WINDOW_MS} ms rate window`);
    }
  }

  it('refuses a burst from one address with 429 and Retry-After, keeps serving an API key, and serves the address again once the limiter allows', async () => {
    const limited = await inOneWindow(RATE, async (s) => {
      const burst = [await post(s, CHEAP), await post(s, CHEAP), await post(s, CHEAP)];
      expect(burst.map((a) => a.status)).toEqual([200, 200, 429]);
      expectRateLimited(burst[2]!, 'rate');
      // A credential that fails authentication counts against the address: refused for the rate, not 401.
      expectRateLimited(await post(s, CHEAP, { 'x-api-key': 'not-a-key' }), 'rate');
      // An API key is a client of its own, with its own budget.
      expect((await post(s, CHEAP, { 'x-api-key': READER_KEY })).status).toBe(200);
      // Without TRUST_PROXY, a forwarded header names no client: it is still the same address.
      expectRateLimited(await post(s, CHEAP, { 'x-forwarded-for': '203.0.113.7' }), 'rate');
      // Refused before GraphQL, the three are counted in /metrics all the same.
      expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/^http_requests_refused_total\{limit="rate"\} 3$/m);
    });
    // The limiter's own answer decides: asked again as soon as each refusal is in, the address is
    // served once its window has passed (Retry-After said at most a second).
    const served = await until(async () => {
      const answer = await post(limited, CHEAP);
      if (answer.status !== 200) expectRateLimited(answer, 'rate');
      return answer.status === 200 ? answer : false;
    }, 'the address served again', 10_000);
    expect(served.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('gives two forwarded addresses separate budgets when TRUST_PROXY trusts the balancer', async () => {
    await inOneWindow({ ...RATE, TRUST_PROXY: 'loopback' }, async (s) => {
      const first = { 'x-forwarded-for': '203.0.113.1' };
      const second = { 'x-forwarded-for': '203.0.113.2' };
      expect([(await post(s, CHEAP, first)).status, (await post(s, CHEAP, first)).status]).toEqual([200, 200]);
      expectRateLimited(await post(s, CHEAP, first), 'rate');
      expect((await post(s, CHEAP, second)).status).toBe(200);
      expectRateLimited(await post(s, CHEAP, first), 'rate');
    });
  });
});

describe('concurrent cost', () => {
  const schema = buildSchema();
  const costOf = (query: string, variables: Record<string, unknown> = {}) => operationCost(schema, parse(query), undefined, variables);

  const PAGE = /* GraphQL */ `{ facilities(first: 5) { edges { node { id name } } } }`;
  const UPSERT = /* GraphQL */ `
    mutation Upsert($input: FacilityInput!, $sources: [SourceInput!]!) {
      upsertFacility(input: $input, sources: $sources) { created entity { id } }
    }`;
  const upsert = (id: string) => ({ input: { id, name: `Test plant ${id}`, kind: 'magnet plant', status: 'PLANNED' }, sources: [{ id: 'seed-topcor-magnets' }] });

  /** The page's cost is the whole authenticated budget: it runs only when nothing else of its client is in flight. */
  const budget = costOf(PAGE);
  const writer = { 'x-api-key': WRITER_KEY };
  const reader = { 'x-api-key': READER_KEY };
  let s: RunningServer;
  beforeAll(async () => {
    s = await server({
      API_KEYS,
      CONCURRENT_COST_AUTHENTICATED: String(budget),
      CONCURRENT_COST_ANONYMOUS: String(budget - 1),
      // A query the cost limit refuses outright, for the paths that must release nothing.
      COST_LIMIT_AUTHENTICATED: String(budget * 2),
      RATE_LIMIT_HOLD_MS: '0',
    });
  });

  it('refuses an operation that would push its client over its budget while another runs, serves other clients, and releases the budget when it ends', async () => {
    const id = `test-${run}-held`;
    const requestId = `client-limits-held-${run}`;
    // The test creates the id first, uncommitted: the upsert's MERGE waits on it, in flight until released.
    const holder = await holdLock(s.driver, 'CREATE (:Entity {id: $id})', { id });
    let settled = 0;
    let held: Promise<Answer> | undefined;
    try {
      held = post(s, UPSERT, { ...writer, 'x-request-id': requestId }, upsert(id)).finally(() => settled++);
      held.catch(() => undefined);
      await waitUntilBlocked(s.driver, requestId, 1, { settled: () => settled });

      const refused = await post(s, PAGE, writer);
      expectRateLimited(refused, 'concurrentCost');
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ cost: budget, inFlightCost: costOf(UPSERT, upsert(id)), budget });
      const other = await post(s, PAGE, reader);
      expect(other.status).toBe(200);
      expect((other.body.data as { facilities: { edges: unknown[] } }).facilities.edges).toHaveLength(5);
    } finally {
      await holder.release();
    }
    expect((await held).body.data).toEqual({ upsertFacility: { created: true, entity: { id } } });
    // Nothing of the writer's is in flight any more: the page, its whole budget, runs.
    expect((await post(s, PAGE, writer)).status).toBe(200);
  });

  it('holds nothing for operations that fail, are refused or never run', async () => {
    // Fails in execution: a new facility needs a name, a kind and a status.
    const failed = await post(s, UPSERT, writer, { input: { id: `test-${run}-incomplete` }, sources: [{ id: 'seed-topcor-magnets' }] });
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooCostly = await post(s, /* GraphQL */ `{ facilities(first: 100) { edges { node { id name operator { id name } } } } }`, writer);
    expect(tooCostly.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
    const badVariables = await post(s, /* GraphQL */ `query($n: Int) { facilities(first: $n) { edges { node { id } } } }`, writer, { n: 'many' });
    expect(badVariables.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const invalid = await post(s, /* GraphQL */ `{ noSuchField }`, writer);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // The writer's whole budget is free again.
    expect((await post(s, PAGE, writer)).status).toBe(200);
  });

  it('gives anonymous callers their own budget', async () => {
    // The anonymous budget is one less than the page costs: refused even with nothing in flight.
    const refused = await post(s, PAGE);
    expectRateLimited(refused, 'concurrentCost');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ cost: budget, inFlightCost: 0, budget: budget - 1 });
    expect((await post(s, CHEAP)).status).toBe(200);
  });
});

describe('refusal hold', () => {
  /**
   * The hold, as long as the shortest Retry-After (which caps it): far longer than the other client's
   * answers take, so that what is held shows against what is not.
   */
  const HOLD_MS = 1_000;
  const PAGE = /* GraphQL */ `{ facilities(first: 5) { edges { node { id name } } } }`;

  interface Timed {
    readonly answer: Answer;
    readonly ms: number;
  }

  /**
   * Sends `count` requests of `query` at once and, while they are out, one of another client (an API
   * key). Returns that one's answer, the answers in at the moment it came, and all of them with their times.
   */
  async function whileOthersAsk(s: RunningServer, query: string, count: number): Promise<{ other: Answer; inBefore: Answer[]; all: Timed[] }> {
    const arrived: Answer[] = [];
    const sent = Array.from({ length: count }, async (): Promise<Timed> => {
      const at = performance.now();
      const answer = await post(s, query);
      arrived.push(answer);
      return { answer, ms: performance.now() - at };
    });
    const other = await post(s, query, { 'x-api-key': READER_KEY });
    const inBefore = [...arrived];
    return { other, inBefore, all: await Promise.all(sent) };
  }

  it('sends a refusal for the request rate only after the hold, while other clients are answered', async () => {
    const s = await server({ RATE_LIMIT_ANONYMOUS: '1', RATE_LIMIT_HOLD_MS: String(HOLD_MS), API_KEYS });
    // Six at once from one address: its budget (one a second and a burst of one) passes two, or three if
    // a second goes by meanwhile; the others are refused before their bodies are read.
    const { other, inBefore, all } = await whileOthersAsk(s, CHEAP, 6);
    expect(other.status).toBe(200);
    expect(inBefore.filter((a) => a.status === 429)).toEqual([]);
    const refused = all.filter((t) => t.answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const { answer, ms } of refused) {
      expectRateLimited(answer, 'rate');
      expect(ms).toBeGreaterThanOrEqual(HOLD_MS - 5);
    }
  });

  it('sends a refusal for the cost in flight only after the hold, while other clients are answered', async () => {
    // An anonymous budget below the page's cost: refused once its cost is known, with nothing in flight.
    const s = await server({ RATE_LIMIT_ANONYMOUS: '0', CONCURRENT_COST_ANONYMOUS: '1', RATE_LIMIT_HOLD_MS: String(HOLD_MS), API_KEYS });
    expect((await post(s, PAGE, { 'x-api-key': READER_KEY })).status).toBe(200); // the statement planned and cached
    const { other, inBefore, all } = await whileOthersAsk(s, PAGE, 1);
    expect(other.status).toBe(200);
    expect(inBefore).toEqual([]);
    expectRateLimited(all[0]!.answer, 'concurrentCost');
    expect(all[0]!.ms).toBeGreaterThanOrEqual(HOLD_MS - 5);
  });
});
