import { auditServer } from 'graphql-http';
import { sha256Hex } from '../../src/auth';
import { startTestServer, type RunningServer } from '../support/testServer';

const READER_KEY = 'reader-key-for-tests-0123456789';
const WRITER_KEY = 'writer-key-for-tests-0123456789';
const JWT_SECRET = 'a-jwt-secret-of-at-least-32-characters!!';

let open: RunningServer;
let production: RunningServer;
let locked: RunningServer;
beforeAll(async () => {
  open = await startTestServer();
  production = await startTestServer({ NODE_ENV: 'production' });
  locked = await startTestServer({
    READS_REQUIRE_AUTH: 'true',
    API_KEYS: `alice:reader:${sha256Hex(READER_KEY)},bob:writer:${sha256Hex(WRITER_KEY)}`,
    JWT_SECRET,
  });
});
afterAll(async () => {
  await Promise.all([open.close(), production.close(), locked.close()]);
});

async function post(server: RunningServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: { data?: any; errors?: any[] } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (e.g. the body-size rejection)
  }
  return { status: response.status, json, text };
}

describe('GraphQL over HTTP conformance (graphql-http audits)', () => {
  it('passes every MUST audit', async () => {
    const results = await auditServer({ url: `${open.url}/graphql` });
    const failedMust = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failedMust).toEqual([]);
  });
});

describe('query limits', () => {
  it('rejects 101 aliases, naming the limit', async () => {
    const query = `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: element(symbol: "Nd") { name }`).join(' ')} }`;
    const { status, json } = await post(open, { query });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxAliases' });
    // Aliases of __typename count too (GraphQL Armor exempts them by default).
    const typenames = await post(open, { query: `{ ${Array.from({ length: 101 }, (_, i) => `t${i}: __typename`).join(' ')} }` });
    expect(typenames.json.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxAliases' });
  });

  it('rejects depth beyond the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `parent { ${selection} }`;
    const { status, json } = await post(open, { query: `{ node(id: "reg-minusinsk") { ... on Region { ${selection} } } }` });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.limit).toBe('maxDepth');
  });

  it('rejects directive overloading', async () => {
    const directives = Array.from({ length: 200 }, () => '@include(if: true)').join(' ');
    const { status, json } = await post(open, { query: `{ element(symbol: "Nd") { name ${directives} } }` });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.limit).toBe('maxDirectives');
  });

  it('rejects 5,000 duplicated fields by the token limit, and 100k tokens by a limit', async () => {
    const duplicated = await post(open, { query: `{ element(symbol: "Nd") { ${'name '.repeat(5_000)} } }` });
    expect(duplicated.status).toBe(400);
    expect(duplicated.json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(duplicated.json.errors?.[0]?.message).toMatch(/contains more tha[nt] 5000 tokens/);
    // 100k tokens do not even fit the body limit.
    const huge = await post(open, { query: `{ ${'a '.repeat(100_000)} }` });
    expect(huge.status).toBe(413);
  });

  it('rejects a query whose cost exceeds the anonymous budget, and allows it with a credential', async () => {
    const query = `{ facilities(first: 100) { edges { node { inputs { from { ... on Facility { inputs { sources { id } } } } } } } } }`;
    const anonymous = await post(open, { query });
    expect(anonymous.status).toBe(400);
    expect(anonymous.json.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
    const researcher = await post(locked, { query }, { 'x-api-key': READER_KEY });
    expect(researcher.json.errors).toBeUndefined();
  });

  it('refuses a 1 MB document by the body limit, and malformed JSON, as JSON errors with a code', async () => {
    const tooLarge = await post(open, { query: `{ __typename }`, padding: 'x'.repeat(1_000_000) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST', limit: 'body' });
    const malformed = await post(open, '{"query": "{ __typename }"');
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('rejects a fragment bomb and a circular introspection query quickly', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { a: __typename ...F${i + 1} b: __typename ...F${i + 1} }`).join(' ');
    const bomb = `query { ...F0 } ${fragments} fragment F30 on Query { __typename }`;
    const started = Date.now();
    const bombed = await post(open, { query: bomb });
    expect(bombed.status).toBe(400);
    const circular = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }`;
    const introspected = await post(open, { query: circular });
    expect(introspected.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses batched operations unless configured', async () => {
    const { status } = await post(open, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(status).toBe(400);
  });
});

describe('CSRF and HTTP methods', () => {
  it('refuses a url-encoded POST and a GET without a preflight header', async () => {
    const form = await fetch(`${open.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    const get = await fetch(`${open.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(400);
    const preflighted = await fetch(`${open.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
  });
});

describe('production mode', () => {
  it('gives no field suggestions and no stack traces', async () => {
    const { json } = await post(production, { query: '{ facilitie { totalCount } }' });
    expect(json.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(JSON.stringify(json)).not.toMatch(/stacktrace/);
    const dev = await post(open, { query: '{ facilitie { totalCount } }' });
    expect(dev.json.errors?.[0]?.message).toMatch(/Did you mean "facilities"/);
  });
});

describe('authentication', () => {
  const query = { query: '{ element(symbol: "Nd") { name } }' };

  it('requires a credential when reads are locked', async () => {
    const missing = await post(locked, query);
    expect(missing.status).toBe(401);
    expect(missing.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await post(locked, query, { 'x-api-key': 'not-a-key' });
    expect(wrong.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const good = await post(locked, query, { 'x-api-key': READER_KEY });
    expect(good.json.data.element.name).toBe('Neodymium');
  });

  it('accepts a bearer token signed with the configured secret, and refuses a forged one', async () => {
    const { SignJWT } = await import('jose');
    const sign = (secret: string) =>
      new SignJWT({ role: 'reader' }).setProtectedHeader({ alg: 'HS256' }).setSubject('carol').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const good = await post(locked, query, { authorization: `Bearer ${await sign(JWT_SECRET)}` });
    expect(good.json.data?.element?.name).toBe('Neodymium');
    const forged = await post(locked, query, { authorization: `Bearer ${await sign('another-secret-of-at-least-32-characters')}` });
    expect(forged.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
