/**
 * The benchmark's six operations in the peer's own query syntax (@neo4j/graphql 7: `where` with
 * operator objects, `sort: [{ field: ASC }]`, `limit`; relationship properties through `…Connection`
 * edges; full-text through the generated `searchEntities` connection; traversals through the
 * `@cypher` Query fields of typeDefs.ts).
 */
import { toLuceneQuery } from '../../src/db/search';
import type { BenchIds, OperationName } from '../operations';

export type { BenchIds };

export interface PeerOperation {
  readonly name: OperationName;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** An error text when `body` (the parsed JSON response, or its text) is not a correct answer; null when it is. */
  check(body: unknown): string | null;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** `data[field]` as a non-empty array of objects, or the reason it is not. */
function rows(body: unknown, field: string): Json[] | string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'response is not JSON';
    }
  }
  if (!isObject(parsed)) return 'response is not a JSON object';
  if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
    const first: unknown = parsed.errors[0];
    return `errors: ${isObject(first) && typeof first.message === 'string' ? first.message : JSON.stringify(first)}`;
  }
  const data = parsed.data;
  if (!isObject(data)) return 'no data';
  const value = data[field];
  if (!Array.isArray(value)) return `data.${field} is not a list`;
  if (value.length === 0) return `data.${field} is empty`;
  if (!value.every(isObject)) return `data.${field} holds a non-object`;
  return value as Json[];
}

/** The first problem of `items`, or null: `test` returns an error text for a bad item. */
function firstProblem(items: Json[], test: (item: Json, index: number) => string | null): string | null {
  for (const [i, item] of items.entries()) {
    const problem = test(item, i);
    if (problem) return `item ${i}: ${problem}`;
  }
  return null;
}

const FLOW_INPUTS = /* GraphQL */ `
    inputsConnection { edges { properties { material status } node { ... on Facility { id name } ... on Deposit { id name } } } }
    suppliedByConnection { edges { properties { material status } node { id name } } }`;

function hasInputs(item: Json): string | null {
  const inputs = item.inputsConnection;
  const supplied = item.suppliedByConnection;
  if (!isObject(inputs) || !Array.isArray(inputs.edges)) return 'no inputsConnection.edges';
  if (!isObject(supplied) || !Array.isArray(supplied.edges)) return 'no suppliedByConnection.edges';
  for (const edge of [...(inputs.edges as unknown[]), ...(supplied.edges as unknown[])]) {
    if (!isObject(edge) || !isObject(edge.node) || !isString(edge.node.name) || !isObject(edge.properties)) return 'an input without node name or properties';
  }
  return null;
}

export function peerOperations(ids: BenchIds): PeerOperation[] {
  return [
    {
      name: 'lookup',
      query: /* GraphQL */ `
query PeerLookup($id: ID!) {
  facilities(where: { id: { eq: $id } }, limit: 1) {
    id
    name
    status
    startYear
    operators { name }
    region { name parent { name } }${FLOW_INPUTS}
    products { name }
    sources { title }
  }
}`,
      variables: { id: ids.lookupFacility },
      check: (body) => {
        const items = rows(body, 'facilities');
        if (typeof items === 'string') return items;
        const [f] = items;
        if (items.length !== 1 || !f) return `expected one facility, got ${items.length}`;
        if (f.id !== ids.lookupFacility || !isString(f.name)) return 'wrong facility or no name';
        if (!Array.isArray(f.operators) || f.operators.length === 0) return 'no operator';
        if (!Array.isArray(f.region) || f.region.length === 0) return 'no region';
        if (!Array.isArray(f.sources) || f.sources.length === 0) return 'no sources';
        return hasInputs(f);
      },
    },
    {
      name: 'page',
      query: /* GraphQL */ `
query PeerPage($status: String!) {
  facilities(where: { status: { eq: $status } }, sort: [{ name: ASC }, { id: ASC }], limit: 50) {
    id
    name
    status
    operators { name }
    region { name }${FLOW_INPUTS}
  }
}`,
      variables: { status: ids.pageStatus },
      check: (body) => {
        const items = rows(body, 'facilities');
        if (typeof items === 'string') return items;
        if (items.length > 50) return `more than 50 facilities (${items.length})`;
        return firstProblem(items, (f, i) => {
          if (f.status !== ids.pageStatus) return `status ${String(f.status)}`;
          if (!isString(f.name)) return 'no name';
          const previous = items[i - 1];
          if (previous && String(previous.name) > f.name) return 'not sorted by name';
          return hasInputs(f);
        });
      },
    },
    {
      name: 'search',
      query: /* GraphQL */ `
query PeerSearch($phrase: String!) {
  searchEntities(phrase: $phrase, first: 10, sort: [{ score: DESC }]) {
    edges { score node { id name } }
  }
}`,
      // The same Lucene query our server builds from the words (exact, prefix or one typo per word).
      variables: { phrase: toLuceneQuery(ids.searchText) ?? ids.searchText },
      check: (body) => {
        const hits = rows(wrapConnection(body, 'searchEntities'), 'searchEntities');
        if (typeof hits === 'string') return hits;
        if (hits.length > 10) return `more than 10 hits (${hits.length})`;
        return firstProblem(hits, (e) => (isObject(e.node) && isString(e.node.id) && isString(e.node.name) && typeof e.score === 'number' ? null : 'hit without node id/name or score'));
      },
    },
    {
      name: 'dependents',
      query: /* GraphQL */ `
query PeerDependents($of: ID!) {
  dependents(of: $of, maxHops: 6) { id name kind hops path }
}`,
      variables: { of: ids.dependentsOf },
      check: (body) => {
        const items = rows(body, 'dependents');
        if (typeof items === 'string') return items;
        return firstProblem(items, (d) => {
          if (!isString(d.id) || d.id === ids.dependentsOf) return 'bad id';
          if (!isInt(d.hops) || d.hops < 1 || d.hops > 6) return `hops ${String(d.hops)}`;
          if (!Array.isArray(d.path) || d.path.length !== d.hops + 1 || d.path[0] !== ids.dependentsOf) return 'bad path';
          return null;
        });
      },
    },
    {
      name: 'paths',
      query: /* GraphQL */ `
query PeerPaths($from: ID!, $to: ID!) {
  paths(from: $from, to: $to) { length nodeIds }
}`,
      variables: { from: ids.pathFrom, to: ids.pathTo },
      check: (body) => {
        const items = rows(body, 'paths');
        if (typeof items === 'string') return items;
        if (items.length > 5) return `more than 5 paths (${items.length})`;
        return firstProblem(items, (p, i) => {
          const nodes = p.nodeIds;
          if (!isInt(p.length) || !Array.isArray(nodes) || nodes.length !== p.length + 1) return 'length does not match nodeIds';
          if (nodes[0] !== ids.pathFrom || nodes[nodes.length - 1] !== ids.pathTo) return 'does not run from → to';
          const previous = items[i - 1];
          if (previous && Number(previous.length) > p.length) return 'not shortest first';
          return null;
        });
      },
    },
    {
      name: 'impact',
      query: /* GraphQL */ `
query PeerImpact($of: ID!) {
  impact(of: $of) { id name hops fullyExposed }
}`,
      variables: { of: ids.impactOf },
      check: (body) => {
        const items = rows(body, 'impact');
        if (typeof items === 'string') return items;
        return firstProblem(items, (a) => {
          if (!isString(a.id) || a.id === ids.impactOf) return 'bad id';
          if (!isInt(a.hops) || a.hops < 1) return `hops ${String(a.hops)}`;
          return typeof a.fullyExposed === 'boolean' ? null : 'no fullyExposed flag';
        });
      },
    },
    {
      name: 'frontend',
      query: /* GraphQL */ `
query PeerFrontend {
  companies(sort: [{ name: ASC }, { id: ASC }], limit: 20) {
    id
    name
    facilities(sort: [{ name: ASC }, { id: ASC }], limit: 10) { id name region { name parent { name } } }
  }
}`,
      variables: {},
      check: (body) => {
        const items = rows(body, 'companies');
        if (typeof items === 'string') return items;
        if (items.length > 20) return `more than 20 companies (${items.length})`;
        return firstProblem(items, (c) => {
          if (!isString(c.name) || !Array.isArray(c.facilities)) return 'no name or facilities';
          return c.facilities.length > 10 ? 'more than 10 facilities' : null;
        });
      },
    },
    {
      name: 'element',
      query: /* GraphQL */ `
query PeerElementDependents($of: ID!) {
  elementDependents(of: $of, maxHops: 6) { id name kind hops }
}`,
      variables: { of: ids.element },
      check: (body) => {
        const items = rows(body, 'elementDependents');
        if (typeof items === 'string') return items;
        return firstProblem(items, (d) => (isString(d.id) && d.kind === 'Facility' && isInt(d.hops) && d.hops >= 1 && d.hops <= 6 ? null : 'not a facility within 6 hops'));
      },
    },
  ];
}

/** Replaces `data[field]` (a connection) by its `edges`, so `rows` can check the hits as a list. */
function wrapConnection(body: unknown, field: string): unknown {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (!isObject(parsed) || !isObject(parsed.data)) return parsed;
  const connection = parsed.data[field];
  return { ...parsed, data: { ...parsed.data, [field]: isObject(connection) ? connection.edges : connection } };
}
