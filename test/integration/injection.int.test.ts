import fc from 'fast-check';
import type { Driver, ManagedTransaction, Session } from 'neo4j-driver';
import { createApp, type App } from '../../src/server';
import { createContext } from '../../src/context';
import type { Caller } from '../../src/auth';
import { randomBytes } from 'node:crypto';
import { appConfig, database, silentLog, testDriver } from '../support/testServer';
import { removeTestData } from '../support/cleanup';

/**
 * Cypher injection: adversarial strings go through every string and ID argument of every root field.
 * None may reach the Cypher text (they must travel as parameters), and every response is the one that
 * operation owes such a string: the precise refusal (code and field or argument), the empty answer, or,
 * for free text, the string stored and returned verbatim; and nothing else in the graph changes.
 */
const REQUEST_ID = `fuzz-${randomBytes(4).toString('hex')}`;

let real: Driver;
let app: App;
let recording: Driver;
const cypherSent: string[] = [];

/** `target` with the Cypher text of every `method(cypher, …)` call recorded; `wrap` proxies what other methods return. */
function recordingProxy<T extends object>(target: T, method: string, wrap: Record<string, (value: unknown) => unknown> = {}): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === method) {
        return (cypher: string, ...rest: unknown[]) => {
          cypherSent.push(cypher);
          return (value as (...args: unknown[]) => unknown).call(object, cypher, ...rest);
        };
      }
      const wrapper = wrap[String(property)];
      return wrapper ? (...args: unknown[]) => wrapper((value as (...a: unknown[]) => unknown).apply(object, args)) : value.bind(object);
    },
  });
}

/** A session whose managed transactions record their statements (the write API runs several per transaction). */
function recordingSession(session: Session): Session {
  return new Proxy(session, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (property === 'executeWrite' || property === 'executeRead') {
        return (work: (tx: ManagedTransaction) => unknown, config?: unknown) =>
          (value as Session['executeWrite']).call(object, (tx) => work(recordingProxy(tx, 'run')) as Promise<unknown>, config as Parameters<Session['executeWrite']>[1]);
      }
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

beforeAll(async () => {
  real = testDriver();
  // The real driver, with every statement text recorded on its way to Neo4j.
  recording = recordingProxy(real, 'executeQuery', { session: (s) => recordingSession(s as Session) });
  app = await createApp({ config: appConfig(), driver: recording, log: silentLog });
});
afterAll(async () => {
  await app.stop();
  await real.executeQuery(
    `MATCH (n) WHERE ((n:Entity OR n:Source OR n:Figure) AND n.id STARTS WITH 'test-injection') OR (n:Change AND n.target STARTS WITH 'test-injection') DETACH DELETE n`,
    {},
    { database },
  );
  await real.close();
  // The audit entries of the link writes name `SUPPLIES:test-injection-…` as target: gone by request id.
  await removeTestData({ prefix: 'test-injection', requestIds: [REQUEST_ID] });
});

const OPERATIONS: { name: string; query: string; vars: (s: string) => Record<string, unknown> }[] = [
  { name: 'node', query: 'query ($s: ID!) { node(id: $s) { id } }', vars: (s) => ({ s }) },
  { name: 'nodes', query: 'query ($s: ID!) { nodes(ids: [$s, "el-nd"]) { id } }', vars: (s) => ({ s }) },
  { name: 'source', query: 'query ($s: ID!) { source(id: $s) { id } }', vars: (s) => ({ s }) },
  { name: 'search', query: 'query ($s: String!) { search(text: $s) { score } }', vars: (s) => ({ s }) },
  { name: 'element', query: 'query ($s: String!) { element(symbol: $s) { id } }', vars: (s) => ({ s }) },
  { name: 'facilities.name', query: 'query ($s: String) { facilities(where: { name: { contains: $s }, OR: [{ kind: { startsWith: $s } }, { name: { eq: $s } }] }) { totalCount } }', vars: (s) => ({ s }) },
  { name: 'facilities.inRegion', query: 'query ($s: ID) { facilities(where: { inRegion: $s, operator: $s, product: $s, stage: $s }) { totalCount } }', vars: (s) => ({ s }) },
  { name: 'facilities.after', query: 'query ($s: String) { facilities(after: $s) { totalCount } }', vars: (s) => ({ s }) },
  { name: 'facilities.before', query: 'query ($s: String) { facilities(last: 3, before: $s) { totalCount } }', vars: (s) => ({ s }) },
  { name: 'deposits', query: 'query ($s: String, $i: ID, $l: [String!]) { deposits(where: { element: $s, inRegion: $i, holder: $i, name: { in: $l } }) { totalCount } }', vars: (s) => ({ s, i: s, l: [s] }) },
  { name: 'regions', query: 'query ($s: ID, $t: String) { regions(where: { parent: $s, inRegion: $s, kind: { eq: $t } }) { totalCount } }', vars: (s) => ({ s, t: s }) },
  { name: 'companies', query: 'query ($s: ID, $t: String) { companies(where: { country: $s, parent: $s, name: { startsWith: $t } }) { totalCount } }', vars: (s) => ({ s, t: s }) },
  { name: 'products', query: 'query ($s: ID, $t: String) { products(where: { stage: $s, element: $t }) { totalCount } }', vars: (s) => ({ s, t: s }) },
  { name: 'elements', query: 'query ($t: String) { elements(where: { symbol: { eq: $t }, name: { contains: $t } }) { totalCount } }', vars: (t) => ({ t }) },
  { name: 'dependents', query: 'query ($s: ID!) { dependents(of: $s) { hops } }', vars: (s) => ({ s }) },
  { name: 'dependencies', query: 'query ($s: ID!) { dependencies(of: $s) { hops } }', vars: (s) => ({ s }) },
  { name: 'paths', query: 'query ($s: ID!) { paths(from: $s, to: $s) { length } }', vars: (s) => ({ s }) },
  { name: 'impact', query: 'query ($s: ID!) { impact(of: [$s]) { affected { hops } } }', vars: (s) => ({ s }) },
  { name: 'supplyShares', query: 'query ($s: String!) { supplyShares(stage: $s, element: $s) { hhi } }', vars: (s) => ({ s }) },
  { name: 'changes', query: 'query ($s: String, $i: ID) { changes(since: $s, entity: $i) { id } }', vars: (s) => ({ s, i: s }) },
  { name: 'changes.after', query: 'query ($s: String) { changes(after: $s) { id } }', vars: (s) => ({ s }) },
  {
    name: 'changes.cursor',
    query: 'query ($s: String) { changes(after: $s) { id } }',
    // A well-formed cursor of this list whose time and id are adversarial.
    vars: (s) => ({ s: Buffer.from(JSON.stringify(['changes:at', s, s]), 'utf8').toString('base64url') }),
  },
  // Writes (as a writer): adversarial ids are refused; adversarial text is written, as a parameter.
  { name: 'upsert.id', query: 'mutation ($s: ID!) { upsertCompany(input: {id: $s, name: "x", kind: "x"}, sources: [{id: $s}]) { created } }', vars: (s) => ({ s }) },
  {
    name: 'upsert.text',
    query: `mutation ($s: String!) { upsertFacility(input: {id: "test-injection-fac", name: $s, kind: $s, status: PLANNED, statusNote: $s, description: $s,
      aliases: [$s], details: [{key: "note", value: $s}]}, sources: [{id: "test-injection-src", title: $s, publisher: $s}]) { created entity { name } } }`,
    vars: (s) => ({ s }),
  },
  { name: 'connect.ids', query: 'mutation ($s: ID!) { connect(input: {type: FEEDS, from: $s, to: $s}, sources: [{id: "seed-topcor-magnets"}]) { created } }', vars: (s) => ({ s }) },
  {
    name: 'connect.text',
    query: `mutation ($s: String!) { connect(input: {type: SUPPLIES, from: "test-injection-fac", to: "fac-lovozero-gok", product: "prod-loparite-conc", material: $s, note: $s,
      properties: [{key: "volume", text: $s}]}, sources: [{id: "seed-topcor-magnets"}]) { created relationship { properties { key value } } } }`,
    vars: (s) => ({ s }),
  },
  { name: 'figure.id', query: 'mutation ($s: ID!) { upsertFigure(input: {id: $s, region: $s, metric: "x", value: 1, unit: "x"}, sources: [{id: $s}]) { created } }', vars: (s) => ({ s }) },
  {
    name: 'figure.text',
    query: `mutation ($s: String!) { upsertFigure(input: {id: "test-injection-fig", region: "country-usa", metric: $s, value: 1, unit: $s, basis: $s},
      sources: [{id: "seed-topcor-magnets"}]) { created figure { metric unit basis } } }`,
    vars: (s) => ({ s }),
  },
  { name: 'deleteFigure', query: 'mutation ($s: ID!) { deleteFigure(id: $s, sources: [{id: "seed-topcor-magnets"}]) { deleted } }', vars: (s) => ({ s }) },
  { name: 'delete', query: 'mutation ($s: ID!) { deleteEntity(id: $s, sources: [{id: "seed-topcor-magnets"}]) { deleted } }', vars: (s) => ({ s }) },
  { name: 'disconnect', query: 'mutation ($s: ID!) { disconnect(type: FEEDS, from: $s, to: $s, sources: [{id: "seed-topcor-magnets"}]) { removed } }', vars: (s) => ({ s }) },
];

const EXPECTED_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND']);
const WRITER: Caller = { name: 'fuzzer', role: 'writer' };
const SPECIALS = ["'", '"', '`', '//', '*/', '/*', '{', '}', '$', '\n', '\\', ')', 'MATCH (n) DETACH DELETE n', '\u0000', '😀', 'ü', '\u202e'];

/** Strings that always contain a backtick and another special sequence: no statement of ours contains a backtick. */
const adversarial = fc
  .tuple(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 30 }), fc.constantFrom(...SPECIALS))
  .map(([a, b, c]) => `${a}${b}\`${c}`);

type Result = { data?: Record<string, any> | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
const one = (cypher: string, params: Record<string, unknown> = {}) =>
  real.executeQuery(cypher, params, { database }).then(({ records }) => records[0]?.toObject() as Record<string, any> | undefined);

/** Nodes (audit entries aside) and relationships in the whole graph. */
const graphSize = async () =>
  one('CALL () { MATCH (n) WHERE NOT n:Change RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels');

/** The precise refusal of a hostile string: the code, and the field or argument it names. */
function refused(result: Result, code: string, where: { field?: string; argument?: string } = {}): void {
  expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...where });
}

/**
 * What each operation owes an adversarial string (every one holds a backtick, so it is never a valid id,
 * symbol, date or cursor, and matches no seeded name): `check` asserts it. `writes` marks the free-text
 * writes, which legitimately add their one node or link the first time.
 */
const OWED: Record<string, { writes?: true; check: (result: Result, input: string) => Promise<void> | void }> = {
  node: { check: (r) => expect(r).toEqual({ data: { node: null } }) },
  nodes: { check: (r) => expect(r).toEqual({ data: { nodes: [null, { id: 'el-nd' }] } }) },
  source: { check: (r) => expect(r).toEqual({ data: { source: null } }) },
  search: {
    // Full-text search treats the string as text to look for: an answer, never a syntax error.
    check: (r) => {
      expect(r.errors).toBeUndefined();
      expect(Array.isArray(r.data?.search)).toBe(true);
    },
  },
  element: { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'symbol' }) },
  'facilities.name': {
    // Only the fuzz facility, whose name is an earlier hostile string, can match; the filter is compared with the same predicate in Cypher.
    check: async (r, input) => {
      const expected = await one('MATCH (f:Facility) WHERE f.name CONTAINS $s AND (f.kind STARTS WITH $s OR f.name = $s) RETURN count(f) AS n', { s: input });
      expect(r).toEqual({ data: { facilities: { totalCount: expected?.n } } });
    },
  },
  'facilities.inRegion': { check: (r) => expect(r).toEqual({ data: { facilities: { totalCount: 0 } } }) },
  'facilities.after': { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'after' }) },
  'facilities.before': { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'before' }) },
  deposits: { check: (r) => expect(r).toEqual({ data: { deposits: { totalCount: 0 } } }) },
  regions: { check: (r) => expect(r).toEqual({ data: { regions: { totalCount: 0 } } }) },
  companies: { check: (r) => expect(r).toEqual({ data: { companies: { totalCount: 0 } } }) },
  products: { check: (r) => expect(r).toEqual({ data: { products: { totalCount: 0 } } }) },
  elements: { check: (r) => expect(r).toEqual({ data: { elements: { totalCount: 0 } } }) },
  dependents: { check: (r) => refused(r, 'NOT_FOUND') },
  dependencies: { check: (r) => refused(r, 'NOT_FOUND') },
  paths: { check: (r) => refused(r, 'NOT_FOUND') },
  impact: { check: (r) => refused(r, 'NOT_FOUND') },
  supplyShares: { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'element' }) },
  changes: { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'since' }) },
  'changes.after': { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'after' }) },
  'changes.cursor': { check: (r) => refused(r, 'BAD_USER_INPUT', { argument: 'after' }) },
  'upsert.id': { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'sources.0.id' }) },
  'upsert.text': {
    writes: true,
    check: async (r, input) => {
      expect(r.errors).toBeUndefined();
      expect(r.data?.upsertFacility.entity).toEqual({ name: input });
      const stored = await one('MATCH (f:Facility {id: "test-injection-fac"}), (s:Source {id: "test-injection-src"}) RETURN properties(f) AS f, properties(s) AS s');
      expect(stored?.f).toMatchObject({ name: input, kind: input, statusNote: input, description: input, aliases: [input] });
      expect(JSON.parse(stored?.f.detailsJson)).toEqual({ note: input });
      expect(stored?.s).toMatchObject({ title: input, publisher: input });
    },
  },
  'connect.ids': { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'input.from' }) },
  'connect.text': {
    writes: true,
    check: async (r, input) => {
      const from = await one('MATCH (f:Facility {id: "test-injection-fac"}) RETURN count(f) AS n');
      if (from?.n === 0) return refused(r, 'BAD_USER_INPUT', { field: 'input.from' }); // before the first upsert.text
      expect(r.errors).toBeUndefined();
      expect(r.data?.connect.relationship.properties).toEqual(
        expect.arrayContaining([{ key: 'material', value: input }, { key: 'note', value: input }, { key: 'volume', value: input }]),
      );
      const stored = await one('MATCH (:Entity {id: "test-injection-fac"})-[l:SUPPLIES]->(:Entity {id: "fac-lovozero-gok"}) RETURN collect(properties(l)) AS links');
      expect(stored?.links).toHaveLength(1);
      expect(stored?.links[0]).toMatchObject({ material: input, note: input, volume: input });
    },
  },
  'figure.id': { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'input.id' }) },
  'figure.text': {
    writes: true,
    check: async (r, input) => {
      expect(r.errors).toBeUndefined();
      expect(r.data?.upsertFigure.figure).toEqual({ metric: input, unit: input, basis: input });
      const stored = await one('MATCH (f:Figure {id: "test-injection-fig"}) RETURN properties(f) AS f');
      expect(stored?.f).toMatchObject({ metric: input, unit: input, basis: input });
    },
  },
  deleteFigure: { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'id' }) },
  delete: { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'id' }) },
  disconnect: { check: (r) => refused(r, 'BAD_USER_INPUT', { field: 'from' }) },
};

describe('Cypher injection', () => {
  it('owes every operation a precise answer', () => {
    expect(Object.keys(OWED).sort()).toEqual(OPERATIONS.map((o) => o.name).sort());
  });

  it('never puts user input into Cypher text, and answers data or an expected error (5,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), adversarial, async (operation, input) => {
        const owed = OWED[operation.name]!;
        const sizeBefore = await graphSize();
        cypherSent.length = 0;
        const response = await app.apollo.executeOperation(
          { query: operation.query, variables: operation.vars(input) },
          { contextValue: createContext({ driver: recording, database, queryTimeoutMs: 15_000, log: silentLog }, { requestId: REQUEST_ID, caller: WRITER }) },
        );
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        const result = response.body.singleResult as Result;
        for (const error of result.errors ?? []) {
          if (!EXPECTED_CODES.has(String(error.extensions?.code))) throw new Error(`${operation.name}: unexpected error ${JSON.stringify(error)}`);
        }
        for (const cypher of cypherSent) {
          if (cypher.includes(input)) throw new Error(`${operation.name}: input reached the Cypher text`);
          // What the generator aims at: every input holds a backtick, and no statement of ours does.
          if (cypher.includes('`')) throw new Error(`${operation.name}: a backtick reached the Cypher text: ${cypher}`);
        }
        await owed.check(result, input);
        // Nothing else changed: a hostile string deletes, creates and links nothing (the free-text writes
        // add their own node or link once, when they create it).
        const created = Boolean(result.data && Object.values(result.data)[0]?.created);
        if (!(owed.writes && created)) expect(await graphSize()).toEqual(sizeBefore);
      }),
      { numRuns: 5_000, seed: 20261123 },
    );
  }, 300_000);
});
