import fc from 'fast-check';
import type { Driver } from 'neo4j-driver';
import { createApp, type App } from '../../src/server';
import { createContext } from '../../src/context';
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

beforeAll(async () => {
  real = testDriver();
  // The real driver, with every statement text recorded on its way to Neo4j.
  recording = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'executeQuery') {
        return (cypher: string, ...rest: unknown[]) => {
          cypherSent.push(cypher);
          return (target.executeQuery as (...args: unknown[]) => unknown).call(target, cypher, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  app = await createApp({ config: appConfig(), driver: recording, log: silentLog });
});
afterAll(async () => {
  await app.stop();
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
];

const EXPECTED_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND']);
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
          { contextValue: createContext({ driver: recording, database, queryTimeoutMs: 15_000, log: silentLog }, 'fuzz') },
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
