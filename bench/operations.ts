import neo4j from 'neo4j-driver';
import { toLuceneQuery } from '../src/db/search';
import { HUB_DEGREE, pathsQuery, traversalQuery } from '../src/db/queries/traversal';
import { impactNetworkQuery } from '../src/db/queries/impact';
import type { NamedQuery } from '../src/db/executor';

/** The entities a dataset's benchmark asks about. */
export interface BenchIds {
  readonly lookupFacility: string;
  /** Stored facility status of the page operation, e.g. `operating`. */
  readonly pageStatus: string;
  readonly searchText: string;
  readonly dependentsOf: string;
  readonly pathFrom: string;
  readonly pathTo: string;
  readonly impactOf: string;
  /** An element whose dependent facilities the `element` operation asks for. */
  readonly element: string;
}

export const SEED_IDS: BenchIds = {
  lookupFacility: 'fac-glazov-magnet',
  pageStatus: 'operating',
  searchText: 'Tastyg',
  dependentsOf: 'dep-lovozero',
  pathFrom: 'dep-lovozero',
  pathTo: 'fac-glazov-magnet',
  impactOf: 'fac-lovozero-gok',
  element: 'el-nd',
};

type Body = { data?: Record<string, unknown> | null; errors?: unknown[] };

/** The operations every column answers. */
export type OperationName = 'lookup' | 'page' | 'search' | 'dependents' | 'paths' | 'impact' | 'frontend' | 'element';

/** The facilities depending on an element: one hop bound, facilities only (the floor's labels filter). */
const ELEMENT_HOPS = 6;

/** One benchmark question: our GraphQL document, and the floor's hand-written Cypher for the same data. */
export interface Operation {
  readonly name: OperationName;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Null when the body is a correct, non-empty answer; else what is wrong. */
  check(body: Body): string | null;
  readonly floor: { readonly statement: NamedQuery; readonly params: Record<string, unknown> };
}

const nonEmpty =
  (path: (data: Record<string, any>) => unknown) =>
  (body: Body): string | null => {
    if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 200)}`;
    if (!body.data) return 'no data';
    const value = path(body.data);
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return 'empty answer';
    return null;
  };

const time = { asOf: null, includeHistorical: false };

export function ourOperations(ids: BenchIds): Operation[] {
  return [
    {
      name: 'lookup',
      query: /* GraphQL */ `query Lookup($id: ID!) { node(id: $id) { ... on Facility {
        id name status startYear operator { name } region { name parent { name } }
        inputs { material from { name } } products { product { name } } sources { title } } } }`,
      variables: { id: ids.lookupFacility },
      check: nonEmpty((d) => d.node?.name),
      floor: {
        statement: {
          name: 'floor.lookup',
          cypher: `MATCH (f:Entity {id: $id}) WHERE f:Facility
RETURN f.id AS id, f.name AS name, f.status AS status, f.startYear AS startYear,
  [(c:Company)-[:OPERATES]->(f) | c.name][0] AS operator,
  [(f)-[:LOCATED_IN]->(r:Region) | {name: r.name, parent: [(r)-[:PART_OF]->(p:Region) | p.name][0]}][0] AS region,
  [(s)-[i:FEEDS|SUPPLIES]->(f) | {material: i.material, from: s.name}] AS inputs,
  [(f)-[:PRODUCES]->(p:Product) | p.name] AS products,
  COLLECT { UNWIND f.sourceIds AS sid MATCH (s:Source {id: sid}) RETURN s.title } AS sources`,
        },
        params: { id: ids.lookupFacility },
      },
    },
    {
      name: 'page',
      query: /* GraphQL */ `query Page($status: Status!) { facilities(first: 50, where: { status: { eq: $status } }, sort: { field: NAME }) {
        edges { node { id name operator { name } region { name } inputs { material from { name } } } } } }`,
      variables: { status: ids.pageStatus.toUpperCase().replace(/-/g, '_') },
      check: nonEmpty((d) => d.facilities?.edges),
      floor: {
        statement: {
          name: 'floor.page',
          // `f.name IS NOT NULL` (true of every facility) lets the planner read the name index in order.
          cypher: `MATCH (f:Facility) WHERE f.status = $status AND f.name IS NOT NULL
WITH f ORDER BY f.name, f.id LIMIT 50
RETURN f.id AS id, f.name AS name,
  [(c:Company)-[:OPERATES]->(f) | c.name][0] AS operator,
  [(f)-[:LOCATED_IN]->(r:Region) | r.name][0] AS region,
  [(s)-[i:FEEDS|SUPPLIES]->(f) | {material: i.material, from: s.name}] AS inputs`,
        },
        params: { status: ids.pageStatus },
      },
    },
    {
      name: 'search',
      query: /* GraphQL */ `query Search($text: String!) { search(text: $text, first: 10) { score entity { id name } } }`,
      variables: { text: ids.searchText },
      check: nonEmpty((d) => d.search),
      floor: {
        statement: {
          name: 'floor.search',
          cypher: `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
RETURN node.id AS id, node.name AS name, score ORDER BY score DESC LIMIT 10`,
        },
        params: { query: toLuceneQuery(ids.searchText) },
      },
    },
    {
      name: 'dependents',
      query: /* GraphQL */ `query Dependents($of: ID!) { dependents(of: $of, maxHops: 6) { hops entity { id name } } }`,
      variables: { of: ids.dependentsOf },
      check: nonEmpty((d) => d.dependents),
      // The floor of a traversal is its one statement, run directly.
      floor: { statement: traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false }), params: { id: ids.dependentsOf, labels: [], limit: neo4j.int(100), hubDegree: neo4j.int(HUB_DEGREE), ...time } },
    },
    {
      name: 'paths',
      query: /* GraphQL */ `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, first: 5) { length nodes { id } } }`,
      variables: { from: ids.pathFrom, to: ids.pathTo },
      check: nonEmpty((d) => d.paths),
      floor: { statement: pathsQuery('down', 8, 5, 'current'), params: { from: ids.pathFrom, to: ids.pathTo, ...time } },
    },
    {
      name: 'impact',
      query: /* GraphQL */ `query Impact($of: ID!) { impact(of: [$of]) { affected { fullyExposed entity { id } } } }`,
      variables: { of: ids.impactOf },
      check: nonEmpty((d) => d.impact?.affected),
      floor: { statement: impactNetworkQuery(8, 'current'), params: { ids: [ids.impactOf], ...time } },
    },
    {
      // A frontend's three-level list: 20 companies, up to 10 facilities each, their region and its parent.
      name: 'frontend',
      query: /* GraphQL */ `query Frontend { companies(first: 20, sort: { field: NAME }) { edges { node { id name
        facilities(first: 10) { edges { node { id name region { name parent { name } } } } } } } } }`,
      variables: {},
      check: nonEmpty((d) => d.companies?.edges),
      floor: {
        statement: {
          name: 'floor.frontend',
          cypher: `MATCH (c:Company) WHERE c.name IS NOT NULL WITH c ORDER BY c.name, c.id LIMIT 20
RETURN c.id AS id, c.name AS name, COLLECT {
  MATCH (c)-[:OPERATES]->(f:Facility) WITH f ORDER BY f.name, f.id LIMIT 10
  RETURN {id: f.id, name: f.name, region: [(f)-[:LOCATED_IN]->(r:Region) | {name: r.name, parent: [(r)-[:PART_OF]->(p:Region) | p.name][0]}][0]}
} AS facilities`,
        },
        params: {},
      },
    },
    {
      name: 'element',
      query: /* GraphQL */ `query ElementDependents($of: ID!) { dependents(of: $of, kinds: [FACILITY], maxHops: ${ELEMENT_HOPS}) { hops entity { id name } } }`,
      variables: { of: ids.element },
      check: nonEmpty((d) => d.dependents),
      floor: {
        statement: traversalQuery({ direction: 'down', maxHops: ELEMENT_HOPS, time: 'current', withPaths: false, labels: ['Facility'] }),
        params: { id: ids.element, labels: ['Facility'], limit: neo4j.int(100), hubDegree: neo4j.int(HUB_DEGREE), ...time },
      },
    },
  ];
}
