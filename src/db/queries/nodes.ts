import type { NamedQuery } from '../executor';

/** Element by upper-cased symbol (index `element_symbol`). */
export const ELEMENT_BY_SYMBOL: NamedQuery = {
  name: 'elementBySymbol',
  cypher: `MATCH (n:Element {symbolUpper: $symbol}) RETURN {labels: labels(n), props: properties(n)} AS node`,
};

/** Full-text search over names and aliases (index `entity_search`, ASCII-folding analyzer). */
export const SEARCH_ENTITIES: NamedQuery = {
  name: 'searchEntities',
  cypher: `CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
WHERE size($labels) = 0 OR any(label IN labels(node) WHERE label IN $labels)
RETURN {labels: labels(node), props: properties(node)} AS node, score
ORDER BY score DESC, node.props.name
LIMIT $limit`,
};
