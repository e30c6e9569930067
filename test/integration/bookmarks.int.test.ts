import { sha256Hex } from '../../src/auth';
import { removeTestData } from '../support/cleanup';
import { startTestServer, type RunningServer } from '../support/testServer';

/**
 * The bookmark contract for clients (docs/scaling.md), on one instance: a response whose request wrote
 * carries its bookmarks (header `x-neo4j-bookmark` and `extensions.bookmarks`); a client sends them back
 * in the same header; anything that cannot be a bookmark is refused before it reaches the database.
 * (That a bookmark sent back makes a lagging reader wait is shown by cluster.int.test.ts.)
 */
const WRITER_KEY = 'writer-key-for-bookmark-tests-0123456789';
/** The API key's name: the actor of the audit entries the writes leave, removed after the suite. */
const ACTOR = 'bookmark-test';
const WRITE = `mutation { upsertCompany(input: { id: "com-bookmark-test", name: "Bookmark test", kind: "test" },
  sources: [{ id: "src-bookmark-test", title: "bookmark test", publisher: "example.org", date: "2026-11-30", url: "https://example.org/bookmark" }]) { created } }`;
const READ = '{ node(id: "com-bookmark-test") { id } }';

describe('bookmarks for clients', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: `${ACTOR}:writer:${sha256Hex(WRITER_KEY)}` });
  });
  afterAll(async () => {
    await server.driver.executeQuery('MATCH (n) WHERE n.id IN ["com-bookmark-test", "src-bookmark-test"] DETACH DELETE n');
    await removeTestData({ actors: [ACTOR] });
    await server.close();
  });

  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': WRITER_KEY, ...headers },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { bookmarks?: string[] } };
    return { status: response.status, header: response.headers.get('x-neo4j-bookmark'), body };
  };

  it('returns the bookmarks of a write in the header and in extensions, and none for a read', async () => {
    const write = await post(WRITE);
    expect(write.body.errors).toBeUndefined();
    const bookmarks = write.body.extensions?.bookmarks;
    expect(bookmarks).toEqual([expect.stringMatching(/^\S+$/)]);
    expect(write.header).toBe(bookmarks!.join(','));

    const read = await post(READ);
    expect(read.body).toEqual({ data: { node: { id: 'com-bookmark-test' } } });
    expect(read.header).toBeNull();
  });

  it('accepts the bookmarks back, and a later write returns newer ones', async () => {
    const first = await post(WRITE);
    const sentBack = await post(READ, { 'x-neo4j-bookmark': first.header! });
    expect(sentBack.status).toBe(200);
    expect(sentBack.body).toEqual({ data: { node: { id: 'com-bookmark-test' } } });

    const second = await post(WRITE.replace('Bookmark test', 'Bookmark test 2'), { 'x-neo4j-bookmark': first.header! });
    expect(second.body.errors).toBeUndefined();
    expect(second.header).not.toBe(first.header);
  });

  it.each([
    ['a space inside', 'FB:abc def'],
    ['too many', Array.from({ length: 17 }, (_, i) => `FB:x${i}`).join(',')],
    ['too long', `FB:${'x'.repeat(1100)}`],
  ])('refuses a header that cannot hold bookmarks (%s) with BAD_USER_INPUT', async (_case, header) => {
    const answer = await post(READ, { 'x-neo4j-bookmark': header });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a well-formed bookmark the database does not know with BAD_USER_INPUT', async () => {
    const answer = await post(READ, { 'x-neo4j-bookmark': 'FB:not-a-bookmark' });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toMatch(/bookmark/);
  });
});
