import { createHash } from 'node:crypto';
import { buildSchema as buildSchemaFromSDL, getIntrospectionQuery, parse, printSchema, validate } from 'graphql';
import { loadExamples } from '../../src/examples';
import { buildSchema } from '../../src/schema';
import { startTestServer, type RunningServer } from '../support/testServer';

/** What frontend clients rely on besides the operations themselves: the SDL, persisted queries, cache hints. */
let server: RunningServer;
let closed: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
  closed = await startTestServer({ INTROSPECTION: 'false' });
});
afterAll(async () => {
  await Promise.all([server.close(), closed.close()]);
});

async function post(body: unknown) {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { data?: any; errors?: any[] } };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('/schema.graphql', () => {
  it('is the SDL of the executable schema, and every example validates against it', async () => {
    const response = await fetch(`${server.url}/schema.graphql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const sdl = await response.text();
    expect(sdl).toBe(printSchema(buildSchema()) + '\n');
    const downloaded = buildSchemaFromSDL(sdl);
    for (const example of loadExamples()) expect(validate(downloaded, parse(example.document))).toEqual([]);
  });

  it('is a 404 when introspection is off (it would tell the same)', async () => {
    expect((await fetch(`${closed.url}/schema.graphql`)).status).toBe(404);
  });
});

describe('introspection', () => {
  it("fits an anonymous caller's cost budget with everything the explorers ask for", async () => {
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true });
    const { status, json } = await post({ query });
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(json.data.__schema.queryType.name).toBe('Query');
  });
});

describe('automatic persisted queries', () => {
  const query = /* GraphQL */ `query PersistedSearch { search(text: "Glazov", first: 1) { entity { id } } }`;
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };

  it('asks for the query once, then runs it by its hash alone (POST and GET)', async () => {
    const unknown = await post({ extensions });
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post({ query, extensions });
    expect(registered.json.errors).toBeUndefined();
    expect(registered.json.data.search[0].entity.id).toBe('fac-glazov-magnet');

    const byHash = await post({ extensions });
    expect(byHash.json).toEqual(registered.json);

    // GET by hash: the cacheable form (CSRF prevention wants a preflight header on a GET).
    const url = `${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`;
    const get = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual(registered.json);
  });

  it('refuses a hash that does not match the query, without running it', async () => {
    const { status, json } = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ __typename }') } } });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors?.[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
  });
});

describe('cache hints', () => {
  it('make a reference-data answer cacheable for 5 minutes by shared caches, also when fetched by hash', async () => {
    const query = /* GraphQL */ `{ element(symbol: "Dy") { name reeClass sources { title } } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const posted = await post({ query, extensions });
    expect(posted.json.data.element).toMatchObject({ name: 'Dysprosium', reeClass: 'HEAVY' });
    expect(posted.headers.get('cache-control')).toBe('max-age=300, public');
    const get = await fetch(`${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('leave answers that touch uncached data uncacheable', async () => {
    const { headers } = await post({ query: /* GraphQL */ `{ element(symbol: "Dy") { name } dependents(of: "dep-tastyg", maxHops: 1) { hops } }` });
    expect(headers.get('cache-control')).toBe('no-store');
  });
});
