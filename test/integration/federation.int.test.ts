import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { startTestServer, type RunningServer } from '../support/testServer';

/**
 * FEDERATION=true: our server is a Federation 2 subgraph. A second subgraph (in-process) adds `notes`
 * to `Facility` and a root field of its own that returns facilities by reference only; the two are
 * composed with @apollo/composition and served by @apollo/gateway. Queries cross the subgraphs both ways:
 * from our lists into the notes, and from the notes subgraph's root field into our `_entities`.
 */

const LOVOZERO = 'fac-lovozero-gok';
const NOTES: Readonly<Record<string, readonly string[]>> = { [LOVOZERO]: ['visited 2025-06', 'ask about the loparite concentrate'] };

const notesTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Facility @key(fields: "id") {
    id: ID!
    notes: [String!]!
  }

  type Query {
    "Facilities someone wrote notes about, by reference only: their fields come from the other subgraph."
    notedFacilities: [Facility]!
  }
`);

const notesResolvers = {
  Query: { notedFacilities: () => [{ id: LOVOZERO }, { id: 'fac-no-such-facility' }] },
  Facility: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    notes: (facility: { id: string }) => NOTES[facility.id] ?? [],
  },
};

interface Response {
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(url: string, query: string): Promise<{ json: Response; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { json: (await response.json()) as Response, headers: response.headers };
}

let ours: RunningServer;
let plain: RunningServer;
let notes: ApolloServer;
let gateway: ApolloServer;
let notesUrl: string;
let gatewayUrl: string;
let hints: string[];

beforeAll(async () => {
  ours = await startTestServer({ FEDERATION: 'true' });
  plain = await startTestServer();
  notes = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: notesTypeDefs, resolvers: notesResolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  ({ url: notesUrl } = await startStandaloneServer(notes, { listen: { host: '127.0.0.1', port: 0 } }));

  const { json } = await post(`${ours.url}/graphql`, /* GraphQL */ `{ _service { sdl } }`);
  const composition = composeServices([
    { name: 'graph', url: `${ours.url}/graphql`, typeDefs: parse(json.data._service.sdl) },
    { name: 'notes', url: notesUrl, typeDefs: notesTypeDefs },
  ]);
  if (composition.errors) throw new Error(`composition failed: ${composition.errors.map((e) => e.message).join('; ')}`);
  hints = composition.hints.map((h) => h.toString());

  gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composition.supergraphSdl }) });
  ({ url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { host: '127.0.0.1', port: 0 } }));
});

afterAll(async () => {
  await gateway?.stop();
  await notes?.stop();
  await plain?.close();
  await ours?.close();
});

describe('the Federation 2 subgraph (FEDERATION=true)', () => {
  it('composes with a second subgraph; the only hint is the cache-control enum, whose directive stays in the subgraph', () => {
    expect(hints).toEqual([expect.stringContaining('[UNUSED_ENUM_TYPE]: Enum type "CacheControlScope"')]);
  });

  it('declares every Node type an entity keyed by id, and PageInfo shareable', async () => {
    const { json } = await post(`${ours.url}/graphql`, /* GraphQL */ `{ _service { sdl } }`);
    const sdl: string = json.data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])');
    const keyed = [...sdl.matchAll(/^type (\w+) implements [^{]*@key\(fields: "id"\)/gm)].map((m) => m[1]).sort();
    expect(keyed).toEqual(['Company', 'Deposit', 'Element', 'Facility', 'Figure', 'Product', 'Region', 'Source', 'SupplyChainStage']);
    expect(sdl).toMatch(/^type PageInfo\s+@shareable\s+\{/m);
  });

  it('resolves references through the node loader: one statement for all, null for unknown ids and for ids of another type', async () => {
    const { json, headers } = await post(
      `${ours.url}/graphql`,
      /* GraphQL */ `{
        _entities(representations: [
          { __typename: "Facility", id: "${LOVOZERO}" }
          { __typename: "Element", id: "el-nd" }
          { __typename: "Facility", id: "el-nd" }
          { __typename: "Facility", id: "fac-no-such-facility" }
        ]) {
          __typename
          ... on Facility { id name }
          ... on Element { id symbol }
        }
      }`,
    );
    expect(json.errors).toBeUndefined();
    expect(json.data._entities).toEqual([
      { __typename: 'Facility', id: LOVOZERO, name: expect.stringContaining('Lovozero') },
      { __typename: 'Element', id: 'el-nd', symbol: 'Nd' },
      null,
      null,
    ]);
    expect(headers.get('x-db-round-trips')).toBe('1');
  });

  it('compiles the fields selected below the representations into the same one statement', async () => {
    const query = /* GraphQL */ `{
      _entities(representations: [{ __typename: "Facility", id: "${LOVOZERO}" }, { __typename: "Company", id: "fac-no-such-company" }]) {
        ... on Facility { id name operator { name } inputs { from { id } product { name } } }
      }
    }`;
    const { json, headers } = await post(`${ours.url}/graphql`, query);
    expect(json.errors).toBeUndefined();
    expect(json.data._entities[0]).toMatchObject({ id: LOVOZERO, operator: { name: expect.any(String) }, inputs: [{ from: { id: 'dep-lovozero' }, product: null }] });
    expect(json.data._entities[1]).toBeNull();
    expect(headers.get('x-db-round-trips')).toBe('1');
    // The same answer as `nodes` gives for the same selection.
    const nodes = await post(`${ours.url}/graphql`, `{ nodes(ids: ["${LOVOZERO}"]) { ... on Facility { id name operator { name } inputs { from { id } product { name } } } } }`);
    expect(nodes.json.data.nodes[0]).toEqual(json.data._entities[0]);
    const unknownType = await post(`${ours.url}/graphql`, '{ _entities(representations: [{ __typename: "PageInfo", id: "x" }]) { __typename } }');
    expect(unknownType.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'representations' });
  });

  it('answers through the gateway a query from our lists into the notes subgraph', async () => {
    const query = (extra: string) => /* GraphQL */ `{
      facilities(first: 5) { edges { node { id name ${extra} operator { id name } region { name } } } }
      facility: node(id: "${LOVOZERO}") { ... on Facility { id name ${extra} operator { name } } }
    }`;
    const direct = await post(`${ours.url}/graphql`, query(''));
    const { json } = await post(gatewayUrl, query('notes'));
    expect(json.errors).toBeUndefined();

    // Our fields are exactly what our server answers by itself; the notes are the other subgraph's.
    const withoutNotes = (node: Record<string, unknown>) => Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'notes'));
    const nodes = json.data.facilities.edges.map((e: any) => e.node);
    expect(nodes.map(withoutNotes)).toEqual(direct.json.data.facilities.edges.map((e: any) => e.node));
    expect(nodes.length).toBe(5);
    for (const node of nodes) expect(node.notes).toEqual(NOTES[node.id] ?? []);
    expect(json.data.facility).toEqual({ ...direct.json.data.facility, notes: NOTES[LOVOZERO] });
  });

  it('answers through the gateway a query from the notes subgraph into our entities (our __resolveReference)', async () => {
    const direct = await post(`${ours.url}/graphql`, /* GraphQL */ `{ node(id: "${LOVOZERO}") { ... on Facility { name status operator { name } } } }`);
    const { json } = await post(gatewayUrl, /* GraphQL */ `{ notedFacilities { id notes name status operator { name } } }`);
    expect(json.errors).toBeUndefined();
    // Our subgraph answers null for the unknown id; the gateway nulls that facility (its name is non-null).
    expect(json.data.notedFacilities).toEqual([{ id: LOVOZERO, notes: NOTES[LOVOZERO], ...direct.json.data.node }, null]);
  });

  it('is not a subgraph without FEDERATION: no _service, no _entities', async () => {
    const { json } = await post(`${plain.url}/graphql`, /* GraphQL */ `{ _service { sdl } }`);
    expect(json.errors?.[0]?.message).toMatch(/Cannot query field "_service" on type "Query"/);
    const entities = await post(`${plain.url}/graphql`, /* GraphQL */ `{ _entities(representations: []) { __typename } }`);
    expect(entities.json.errors?.[0]?.message).toMatch(/Cannot query field "_entities" on type "Query"/);
  });
});
