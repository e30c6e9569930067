import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Context } from '../../src/context';
import { cachePolicyPlugin } from '../../src/plugins/cachePolicy';

/**
 * The per-document policy against Apollo's own plugin, which computes it field by field as the answer
 * resolves: on a schema with every kind of hint, a document whose every selected field resolves must
 * get the same Cache-Control header from both.
 */
const typeDefs = /* GraphQL */ `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    ref: Ref
    refs: [Ref!]! @cacheControl(maxAge: 60)
    plain: Plain
    count: Int
    hinted: Int @cacheControl(maxAge: 30)
    me: User
    thing: Thing @cacheControl(maxAge: 500)
    any: AorB @cacheControl(maxAge: 400)
    private: Ref @cacheControl(scope: PRIVATE)
  }
  type Ref @cacheControl(maxAge: 300) {
    name: String
    plain: Plain
    child: Ref @cacheControl(inheritMaxAge: true)
    user: User
    short: Int @cacheControl(maxAge: 10)
  }
  type Plain { name: String, ref: Ref, list: [Plain!]! @cacheControl(inheritMaxAge: true) }
  interface Thing { id: ID! }
  type A implements Thing @cacheControl(maxAge: 100) { id: ID!, a: String }
  type B implements Thing @cacheControl(maxAge: 200) { id: ID!, b: Ref }
  union AorB = A | B
  type User @cacheControl(maxAge: 50, scope: PRIVATE) { name: String }
  type Mutation { touch: Int }
`;

const ref = { name: 'r' };
const resolvers = {
  Query: {
    ref: () => ref,
    refs: () => [ref, ref],
    plain: () => ({ name: 'p' }),
    count: () => 1,
    hinted: () => 2,
    me: () => ({ name: 'u' }),
    thing: () => ({ __typename: 'A', id: '1', a: 'a' }),
    any: () => ({ __typename: 'A', id: '1', a: 'a' }),
    private: () => ref,
  },
  Ref: { plain: () => ({ name: 'p' }), child: () => ref, user: () => ({ name: 'u' }), short: () => 3 },
  Plain: { ref: () => ref, list: () => [{ name: 'q' }] },
  Thing: { __resolveType: (t: { __typename: string }) => t.__typename },
  AorB: { __resolveType: (t: { __typename: string }) => t.__typename },
  Mutation: { touch: () => 1 },
};

const schema = makeExecutableSchema({ typeDefs, resolvers });
const apollos = new ApolloServer<Context>({ schema });
const ours = new ApolloServer<Context>({ schema, plugins: [ApolloServerPluginCacheControlDisabled(), cachePolicyPlugin(schema)] });

async function header(server: ApolloServer<Context>, query: string): Promise<string | undefined> {
  const response = await server.executeOperation({ query }, { contextValue: {} as Context });
  return response.http.headers.get('cache-control');
}

beforeAll(async () => {
  await apollos.start();
  await ours.start();
});
afterAll(async () => {
  await apollos.stop();
  await ours.stop();
});

describe('the Cache-Control header computed once per document', () => {
  it.each([
    ['a hinted type', `{ ref { name } }`, 'max-age=300, public'],
    ['a field hint replacing its type hint, a child inheriting it', `{ refs { name child { child { name } } } }`, 'max-age=60, public'],
    ['an object type without a hint', `{ ref { plain { name } } }`, 'no-store'],
    ['a root scalar without a hint', `{ count }`, 'no-store'],
    ['a hinted root scalar with a hinted type', `{ hinted ref { name } }`, 'max-age=30, public'],
    ['a private type', `{ me { name } ref { name } }`, 'max-age=50, private'],
    ['a private scope on a field, the type giving the age', `{ private { name } }`, 'max-age=300, private'],
    ['a shorter scalar field hint', `{ ref { name short } }`, 'max-age=10, public'],
    ['an interface field and a fragment on the type it resolves to', `{ thing { id ... on A { a } } }`, 'max-age=500, public'],
    ['a union field', `{ any { ... on A { a } } }`, 'max-age=400, public'],
    ['a named fragment reaching a private type', `{ ref { ...F } } fragment F on Ref { name user { name } }`, 'max-age=50, private'],
    ['inheritMaxAge under an unhinted parent', `{ plain { list { name } } }`, 'no-store'],
    ['meta fields', `{ __typename ref { __typename name } }`, 'max-age=300, public'],
    ['a mutation', `mutation { touch }`, 'no-store'],
    ['an error', `{ ref { name } nope }`, 'no-store'],
  ])('%s: %s', async (_case, query, expected) => {
    expect(await header(apollos, query)).toBe(expected);
    expect(await header(ours, query)).toBe(expected);
  });

  it('counts a fragment on a type the answer does not have: stricter than Apollo, never looser', async () => {
    // `thing` resolves to an A; Apollo never resolves B's `b`, the document policy counts it (Ref: 300).
    const query = `{ thing { id ... on B { b { name } } } }`;
    expect(await header(apollos, query)).toBe('max-age=500, public');
    expect(await header(ours, query)).toBe('max-age=300, public');
  });

  it('computes the policy of each operation of a document', async () => {
    const document = `query Short { hinted } query Long { ref { name } }`;
    for (const [operationName, expected] of [['Short', 'max-age=30, public'], ['Long', 'max-age=300, public']] as const) {
      const response = await ours.executeOperation({ query: document, operationName }, { contextValue: {} as Context });
      expect(response.http.headers.get('cache-control')).toBe(expected);
    }
  });
});
