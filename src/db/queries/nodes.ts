import { z } from 'zod';
import { ENTITY, INTEGER, RAW_NODE } from '../rows';
import { NODE_BY_ID } from './batch';

/** Element by upper-cased symbol (index `element_symbol`). */
export const ELEMENT_BY_SYMBOL = {
  name: 'elementBySymbol',
  row: z.object({ node: ENTITY }),
  cypher: `MATCH (n:Element {symbolUpper: $symbol}) RETURN {labels: labels(n), props: properties(n)} AS node`,
};

/** Full-text search over names and aliases (index `entity_search`, ASCII-folding analyzer). */
export const SEARCH_ENTITIES = {
  name: 'searchEntities',
  row: z.object({ node: ENTITY, score: z.number() }),
  // Order and cut on the score alone before reading any property: a prefix or fuzzy term can match
  // tens of thousands of nodes on a large graph.
  cypher: `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
WHERE size($labels) = 0 OR any(label IN labels(node) WHERE label IN $labels)
WITH node, score ORDER BY score DESC LIMIT $limit
RETURN {labels: labels(node), props: properties(node)} AS node, score`,
};

/** The readiness probe: the database answers a query. */
export const READINESS = {
  name: 'readiness',
  row: z.object({ ok: INTEGER }),
  cypher: 'RETURN 1 AS ok',
};

/** Nodes by id (or former id), raw: the root of `node`/`nodes` when the request compiler folds their selection. */
export const NODES_BY_ID = {
  name: 'nodesById',
  row: z.object({ id: z.string(), node: RAW_NODE.nullable() }),
  cypher: `UNWIND $ids AS id
${NODE_BY_ID}
RETURN id, CASE WHEN n IS NULL THEN null ELSE {labels: labels(n), props: properties(n)} END AS node`,
};
