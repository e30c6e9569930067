import { startTestServer, type RunningServer } from '../support/testServer';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { data?: any; errors?: any[] } };
}

describe('the HTTP server over the real Neo4j', () => {
  it('answers a GraphQL query over HTTP with data read from Neo4j', async () => {
    const { status, json, headers } = await post(
      { query: /* GraphQL */ `{ element(symbol: "nd") { id name atomicNumber reeClass magnetInput sources { id } } }` },
      { origin: 'https://frontend.example' },
    );
    expect(status).toBe(200);
    expect(json.data.element).toMatchObject({ id: 'el-nd', name: 'Neodymium', atomicNumber: 60, reeClass: 'LIGHT', magnetInput: true });
    expect(json.data.element.sources.length).toBeGreaterThan(0);
    expect(headers.get('access-control-allow-origin')).toBe('*');
    expect(headers.get('x-request-id')).toMatch(/.+/);
    // One statement for the element and its sources (the request compiler folds them).
    expect(headers.get('x-db-round-trips')).toBe('1');
    // Elements and sources are reference data with cache hints.
    expect(headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('marks responses with uncacheable fields as not cacheable', async () => {
    const { headers } = await post({ query: /* GraphQL */ `{ facilities(first: 1) { edges { node { id } } } }` });
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('reports liveness and readiness', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('gives bad input a stable code and no stack trace', async () => {
    const { json } = await post({ query: /* GraphQL */ `{ facilities(first: 1000) { edges { cursor } } }` });
    expect(json.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
    expect(json.errors?.[0]?.message).toMatch(/between 0 and 100/);
  });

  it('rejects an invalid document with GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, json } = await post({ query: '{ facilities { nope } }' });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
