import { z } from 'zod';
import type { Query } from '../executor';
import { INTEGER, NODE, PROPS, RAW_NODE } from '../rows';
import { RELATIONS, RELATION_FILTERS, relationMatch, relationPattern, relationSlice, type RelationFilterName, type RelationFilterSpec, type RelationName } from './relations';

/**
 * One statement for everything the resolvers of one level asked for: nodes by id and the related
 * nodes of any number of relation fields. Each part is a UNION ALL branch over its own id list, so a
 * GraphQL level costs one round trip however many fields it selects. Statements are cached by the set
 * of relation names; the names and their patterns come from RELATIONS, never from input.
 */

/** One row per node asked for (`part: 'node'`) and per id of each relation (`part`: the relation name). */
const BATCH_ROW = z.object({
  part: z.string(),
  id: z.string(),
  node: NODE.nullable(),
  self: RAW_NODE.nullable(),
  rels: z.array(z.object({ type: z.string(), props: PROPS, outgoing: z.boolean(), other: RAW_NODE })).nullable(),
});
export type BatchRow = z.infer<typeof BATCH_ROW>;

const TOTAL_ROW = z.object({ id: z.string(), total: INTEGER });

/** The node `n` an `id` names: an entity, a source, a figure, or the entity a former id redirects to. */
export const NODE_BY_ID = `OPTIONAL MATCH (e:Entity {id: id})
OPTIONAL MATCH (s:Source {id: id})
OPTIONAL MATCH (f:Figure {id: id})
OPTIONAL MATCH (:Redirect {id: id})-[:REDIRECTS_TO]->(moved:Entity)
WITH id, coalesce(e, s, f, moved) AS n`;

const NODES_BRANCH = `UNWIND $nodeIds AS id
${NODE_BY_ID}
RETURN 'node' AS part, id, CASE WHEN n IS NULL THEN null ELSE {labels: labels(n), props: properties(n)} END AS node, null AS self, null AS rels`;

function relationBranch(name: RelationName, param: string, rows = relationMatch(name, 'n', 'r', 'm')): string {
  return `UNWIND $${param} AS id
MATCH (n:Entity {id: id})
CALL (n) {
  ${rows.replace(/\n/g, '\n  ')}
  RETURN collect({type: type(r), props: properties(r), outgoing: startNode(r) = n, other: {labels: labels(m), props: properties(m)}}) AS rels
}
RETURN '${name}' AS part, id, null AS node, {labels: labels(n), props: properties(n)} AS self, rels`;
}

/** A relation, or a relation and a filter of its rows (RELATION_FILTERS): what a count or a slice reads. */
export type RelationRows = RelationName | `${RelationName}|${RelationFilterName}`;
export const relationRows = (name: RelationName, filter?: RelationFilterName): RelationRows => (filter ? `${name}|${filter}` : name);

/** One statement per relation, and per filter of the relations it filters, made once. */
function byRelation<T>(make: (name: RelationName, filter?: RelationFilterName) => T): Readonly<Record<RelationRows, T>> {
  const made: Partial<Record<RelationRows, T>> = {};
  for (const name of Object.keys(RELATIONS) as RelationName[]) made[name] = make(name);
  for (const [filter, spec] of Object.entries(RELATION_FILTERS) as [RelationFilterName, RelationFilterSpec][]) {
    for (const name of spec.relations) made[relationRows(name, filter)] = make(name, filter);
  }
  return made as Record<RelationRows, T>;
}

/**
 * A page of one relation of the entity `$ids[0]` past the first MAX_RELATED rows, which are all the
 * batch statement reads: the rows at `$skip` to `$skip + $limit` in the relation's order (of those a
 * filter keeps, `$value` its value). The relation is read and sorted whole, as for its first rows.
 */
export const RELATION_SLICES = byRelation<Query<BatchRow>>((name, filter) => ({
  name: `relationSlice(${relationRows(name, filter)})`,
  cypher: relationBranch(name, 'ids', relationSlice(name, 'n', 'r', 'm', filter)),
  row: BATCH_ROW,
}));

/** How many rows one relation of each entity of `$ids` has (that a filter keeps), for a `totalCount` past MAX_RELATED. */
export const RELATION_COUNTS = byRelation<Query<{ id: string; total: number }>>((name, filter) => ({
  name: `relationCount(${relationRows(name, filter)})`,
  cypher: `UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN id, COUNT { ${relationPattern(name, 'n', 'r', 'm', filter)} } AS total`,
  row: TOTAL_ROW,
}));

/** Parameter name of a relation's id list in the batch statement. */
export const relationParam = (name: RelationName): string => `ids_${name}`;

const cache = new Map<string, Query<BatchRow>>();

/** The batch statement for node lookups (when `withNodes`) and the given relations (sorted, distinct). */
export function batchQuery(withNodes: boolean, relations: readonly RelationName[]): Query<BatchRow> {
  const names = [...new Set(relations)].sort();
  const key = `${withNodes ? 'nodes+' : ''}${names.join(',')}`;
  let query = cache.get(key);
  if (!query) {
    const branches = [...(withNodes ? [NODES_BRANCH] : []), ...names.map((name) => relationBranch(name, relationParam(name)))];
    query = { name: `batch(${key})`, cypher: branches.join('\nUNION ALL\n'), row: BATCH_ROW };
    cache.set(key, query);
  }
  return query;
}
