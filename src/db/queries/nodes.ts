import type { NamedQuery } from '../executor';

/** Element by upper-cased symbol (index `element_symbol`). */
export const ELEMENT_BY_SYMBOL: NamedQuery = {
  name: 'elementBySymbol',
  cypher: `MATCH (n:Element {symbolUpper: $symbol}) RETURN {labels: labels(n), props: properties(n)} AS node`,
};

/** Full-text search over names and aliases (index `entity_search`, ASCII-folding analyzer). */
export const SEARCH_ENTITIES: NamedQuery = {
  name: 'searchEntities',
  // Order and cut on the score alone before reading any property: a prefix or fuzzy term can match
  // tens of thousands of nodes on a large graph.
  cypher: `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
WHERE size($labels) = 0 OR any(label IN labels(node) WHERE label IN $labels)
WITH node, score ORDER BY score DESC LIMIT $limit
RETURN {labels: labels(node), props: properties(node)} AS node, score`,
};
