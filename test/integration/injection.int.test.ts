import fc from 'fast-check';
import type { Driver, ManagedTransaction, Session } from 'neo4j-driver';
import { createApp, type App } from '../../src/server';
import { createContext } from '../../src/context';
import type { Caller } from '../../src/auth';
import { appConfig, database, silentLog, testDriver } from '../support/testServer';

/**
 * Cypher injection: adversarial strings go through every string and ID argument of every root field.
 * None may reach the Cypher text (they must travel as parameters), and every response must be data or
 * an error with an expected code.
 */

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
      aliases: [$s], details: [{key: "note", value: $s}]}, sources: [{id: "test-injection-src", title: $s, publisher: $s}]) { created } }`,
    vars: (s) => ({ s }),
  },
  { name: 'connect.ids', query: 'mutation ($s: ID!) { connect(input: {type: FEEDS, from: $s, to: $s}, sources: [{id: "seed-topcor-magnets"}]) { created } }', vars: (s) => ({ s }) },
  {
    name: 'connect.text',
    query: `mutation ($s: String!) { connect(input: {type: SUPPLIES, from: "test-injection-fac", to: "fac-lovozero-gok", material: $s, note: $s,
      properties: [{key: "product", text: $s}]}, sources: [{id: "seed-topcor-magnets"}]) { created } }`,
    vars: (s) => ({ s }),
  },
  { name: 'figure.id', query: 'mutation ($s: ID!) { upsertFigure(input: {id: $s, region: $s, metric: "x", value: 1, unit: "x"}, sources: [{id: $s}]) { created } }', vars: (s) => ({ s }) },
  {
    name: 'figure.text',
    query: `mutation ($s: String!) { upsertFigure(input: {id: "test-injection-fig", region: "country-usa", metric: $s, value: 1, unit: $s, basis: $s},
      sources: [{id: "seed-topcor-magnets"}]) { created } }`,
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

describe('Cypher injection', () => {
  it('never puts user input into Cypher text, and answers data or an expected error (5,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), adversarial, async (operation, input) => {
        cypherSent.length = 0;
        const response = await app.apollo.executeOperation(
          { query: operation.query, variables: operation.vars(input) },
          { contextValue: createContext({ driver: recording, database, queryTimeoutMs: 15_000, log: silentLog }, { requestId: 'fuzz', caller: WRITER }) },
        );
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        for (const error of response.body.singleResult.errors ?? []) {
          if (!EXPECTED_CODES.has(String(error.extensions?.code))) throw new Error(`${operation.name}: unexpected error ${JSON.stringify(error)}`);
        }
        for (const cypher of cypherSent) {
          if (cypher.includes(input)) throw new Error(`${operation.name}: input reached the Cypher text`);
        }
      }),
      { numRuns: 5_000, seed: 20261123 },
    );
  }, 300_000);
});
