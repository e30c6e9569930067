import { parseSamples, type Samples } from '../../harness/prometheus';
import { startTestServer, type RunningServer } from '../support/testServer';

const PAGE = /* GraphQL */ `query Page { facilities(first: 2) { edges { node { id name operator { name } } } } }`;
/** A traversal with its paths, then one batch for the operators of the paths' nodes (not folded): two statements. */
const DEPENDENTS = /* GraphQL */ `query Deps { dependents(of: "dep-lovozero", maxHops: 6) { hops path { nodes { id ... on Facility { operator { name } } } } } }`;
const TOO_MANY = /* GraphQL */ `query TooMany { facilities(first: 1000) { edges { cursor } } }`;
const ANONYMOUS = /* GraphQL */ `{ facilities(first: 1) { edges { node { id } } } }`;
const UNPARSABLE = '{ facilities(first: ';

async function post(url: string, query: string): Promise<{ status: number; roundTrips: number; body: any }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, roundTrips: Number(response.headers.get('x-db-round-trips')), body: await response.json() };
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Samples> {
  const response = await fetch(`${url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(await response.text());
}

/** One sample's value (0 when absent: a counter not yet incremented), labels written in declaration order. */
function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const entries = Object.entries(labels);
  const key = entries.length ? `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}` : name;
  return samples.get(key) ?? 0;
}

describe('/metrics', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('counts requests by operation and outcome, their time, round trips and statements by name', async () => {
    const before = await scrape(server.url);
    const trips: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await post(server.url, PAGE);
      expect(page.body.errors).toBeUndefined();
      trips.push(page.roundTrips);
    }
    const deps = await post(server.url, DEPENDENTS);
    expect(deps.body.errors).toBeUndefined();
    expect(deps.roundTrips).toBe(2);
    expect((await post(server.url, TOO_MANY)).body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await post(server.url, ANONYMOUS)).body.errors).toBeUndefined();
    expect((await post(server.url, UNPARSABLE)).body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const after = await scrape(server.url);
    const moved = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

    expect(moved('graphql_requests_total', { operation: 'Page', outcome: 'ok' })).toBe(3);
    expect(moved('graphql_requests_total', { operation: 'Deps', outcome: 'ok' })).toBe(1);
    expect(moved('graphql_requests_total', { operation: 'TooMany', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(moved('graphql_requests_total', { operation: 'TooMany', outcome: 'ok' })).toBe(0);
    expect(moved('graphql_requests_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(moved('graphql_requests_total', { operation: 'unknown', outcome: 'GRAPHQL_PARSE_FAILED' })).toBe(1);

    expect(moved('graphql_request_duration_seconds_count', { operation: 'Page' })).toBe(3);
    expect(moved('graphql_request_duration_seconds_sum', { operation: 'Page' })).toBeGreaterThan(0);
    // The histogram's +Inf bucket counts every observation.
    expect(moved('graphql_request_duration_seconds_bucket', { le: '+Inf', operation: 'Page' })).toBe(3);

    expect(moved('graphql_request_db_round_trips_count', { operation: 'Page' })).toBe(3);
    expect(moved('graphql_request_db_round_trips_sum', { operation: 'Page' })).toBe(trips.reduce((a, b) => a + b, 0));
    expect(moved('graphql_request_db_round_trips_sum', { operation: 'Deps' })).toBe(2);

    // The compiler folds the page into one statement; the traversal's results need one batch.
    expect(moved('neo4j_statements_total', { statement: 'list.Facility+fold', access: 'READ', outcome: 'ok' })).toBe(3 + 1);
    expect(moved('neo4j_statements_total', { statement: 'dependents', access: 'READ', outcome: 'ok' })).toBe(1);
    expect(moved('neo4j_statements_total', { statement: 'batch(operatedBy)', access: 'READ', outcome: 'ok' })).toBe(1);
    expect(moved('neo4j_statement_duration_seconds_count', { statement: 'dependents', access: 'READ' })).toBe(1);

    // Nothing runs between requests; process metrics and the event-loop lag are there.
    expect(value(after, 'neo4j_transactions_in_flight', { access: 'READ' })).toBe(0);
    expect(after.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    expect(after.has('process_resident_memory_bytes')).toBe(true);
  });

  it('keeps at most 200 operation names; later names count as `other`', async () => {
    const operationsIn = (samples: Samples) =>
      new Set([...samples.keys()].map((k) => /^graphql_requests_total\{operation="([^"]+)"/.exec(k)?.[1]).filter(Boolean));
    const named = operationsIn(await scrape(server.url)).size;
    for (let i = 0; i < 205 - named; i++) {
      expect((await post(server.url, `query Name${i} { __typename }`)).status).toBe(200);
    }
    const after = await scrape(server.url);
    const operations = operationsIn(after);
    expect(operations.size).toBe(201);
    expect(operations.has('other')).toBe(true);
    expect(value(after, 'graphql_requests_total', { operation: 'other', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789';
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: token });
  });
  afterAll(async () => server?.close());

  it('answers 401 without the Bearer token or with another, 200 with it', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: token } })).status).toBe(401);
    const samples = await scrape(server.url, { authorization: `Bearer ${token}` });
    expect(samples.has('process_cpu_seconds_total')).toBe(true);
  });
});

describe('METRICS=false', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS: 'false' });
  });
  afterAll(async () => server?.close());

  it('serves no /metrics, and requests still work', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await post(server.url, PAGE)).body.errors).toBeUndefined();
  });
});
