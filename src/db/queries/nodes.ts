import { z } from 'zod';
import { ENTITY, INTEGER, RAW_NODE } from '../rows';
import { NODE_BY_ID } from './batch';

/** Element by upper-cased symbol (index `element_symbol`). */
export const ELEMENT_BY_SYMBOL = {
  name: 'elementBySymbol',
  row: z.object({ node: ENTITY }),
  cypher: `MATCH (n:Element {symbolUpper: $symbol}) RETURN {labels: labels(n), props: properties(n)} AS node`,
};

/**
 * Full-text search over names and aliases (index `entity_search`, ASCII-folding analyzer), of entities
 * with one of some labels (`where`), or of all of them. Order and cut on the score alone before
 * reading any property: a prefix or fuzzy term can match tens of thousands of nodes on a large graph.
 */
const searchStatement = (name: string, where: string) => ({
  name,
  row: z.object({ node: ENTITY, score: z.number() }),
  cypher: `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score${where}
WITH node, score ORDER BY score DESC LIMIT $limit
RETURN {labels: labels(node), props: properties(node)} AS node, score`,
});

/**
 * Every kind: no filter, which would read the labels of every node that matches (a db hit each; on the
 * 1M graph the benchmark's search matched about 4,250 nodes for its 10 hits).
 */
export const SEARCH_ENTITIES = searchStatement('searchEntities', '');
/** Entities with one of `$labels`. */
export const SEARCH_ENTITIES_OF_KINDS = searchStatement('searchEntitiesOfKinds', '\nWHERE any(label IN labels(node) WHERE label IN $labels)');

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
