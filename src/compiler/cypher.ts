import { MAX_RELATED, RELATIONS, relationFirst, relationPattern, type RelationName, type RelationSpec } from '../db/queries/relations';
import type { Plan } from './plan';

/** Each relation's key in a compiled map: `r` and its place in RELATIONS, in base 36. */
const RELATION_KEYS = new Map((Object.keys(RELATIONS) as RelationName[]).map((name, i) => [name, `r${i.toString(36)}`]));
const RELATIONS_BY_KEY = new Map([...RELATION_KEYS].map(([name, key]) => [key, name]));

/** The key of `name`'s rows in a compiled map. */
export function relationKey(name: RelationName): string {
  return RELATION_KEYS.get(name)!;
}

/** The relation whose rows a compiled map holds under `key`; undefined for another key (`src`). */
export function relationOfKey(key: string): RelationName | undefined {
  return RELATIONS_BY_KEY.get(key);
}

/**
 * A plan as one Cypher expression over a node variable: a map with the node's sources (`src`) and, per
 * relation, its rows under the relation's key (`relationKey`), each row with the node at the other end and what that
 * node needs in turn, as nested COLLECT subqueries. Relations are matched by `relationPattern`, the pattern the
 * per-level batch uses, and sorted in prime.ts. The text comes from the plan's relation names and labels only;
 * nothing of a request's values reaches it (those are parameters of the root statement).
 *
 *   {src?: [source], <relation key>: [row] | null, …}
 *   row: {type?, props?, labels?, n, src?, <relation key>?: [row] | null, …, ls?, prod?, req?}
 *   prod, req: [{labels, props, src?, <relation key>?: [row] | null, …}]
 *
 * A row holds the node at its other end itself (`n`: its properties; `labels`) and, beside them, what
 * was fetched for that node (its `src` and its relations' rows): no map of its own for either, and
 * so for a node a relationship names by id (`prod`, `req`). Every
 * map costs Neo4j, the driver and prime.ts on every row; on the 1M graph's frontend statement alone,
 * rows without a map of what was fetched below (`f`, before) were faster in 13 of 15 alternations
 * (three runs of five; by 2–15 % a run; docs/performance.md). The keys repeated on every row are
 * short for the same reason (`n`, `ls` for the relationship's sources, and `relationKey`'s key for
 * each relation, such as `r3`): Bolt sends a map's keys with every map, and on the 1M graph's frontend
 * statement the long ones (`node`, `fetched`, `locatedIn`) were 15 % of the answer.
 *
 * A relation's pattern is directed, so whether a row's relationship starts at the parent follows from
 * the relation (prime.ts), not from each row; so does the type of a relation over one type, and the
 * label of the other end of a relation whose pattern names it (`target`).
 *
 * The node at a row's other end brings its id and the stored properties its selected fields read
 * (projectionExpression); prime.ts decodes it as a projection. A relationship brings those its selected
 * fields read (`RelationPlan.props`) and its `key`, or nothing (no `props`) when its fields read none.
 *
 * A relation is asked only of nodes with a label whose fields load it (`CASE WHEN v:Facility …`); it is
 * `null` for the others, and nothing is attached for it.
 */
export function fetchedExpression(variable: string, plan: Plan): string {
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${++counter}`;

  // A node's sources: what its selection reads of each (prime.ts hands them to its record). Those of a
  // relationship: whole nodes, which prime the node loader.
  const nodeSources = (holder: string, p: Plan): string => {
    const s = fresh('s');
    return `COLLECT { MATCH (${s}:Source) WHERE ${s}.id IN ${holder}.sourceIds RETURN ${projectionExpression(s, p)} }`;
  };
  const wholeSources = (holder: string): string => {
    const s = fresh('s');
    return `COLLECT { MATCH (${s}:Source) WHERE ${s}.id IN ${holder}.sourceIds RETURN {labels: labels(${s}), props: properties(${s})} }`;
  };
  // The node at a row's other end, as entries of the row: the properties its selected fields read,
  // decoded as a projection (prime.ts), its labels unless the relation's pattern names its one label,
  // and what was fetched for it.
  const otherNode = (name: RelationName, v: string, p: Plan): string[] => {
    const spec: RelationSpec = RELATIONS[name];
    return [...(spec.target ? [] : [`labels: labels(${v})`]), `n: ${projectionExpression(v, p)}`, ...fetchedEntries(v, p)];
  };
  // A node a relationship names by id (a flow's product, a bill's entries): what its selected fields
  // read, its labels (a bill names entities of any kind) and, beside them, what was fetched for it.
  // prime.ts hands it to its row alone.
  const namedNode = (v: string, p: Plan): string =>
    `{${[`labels: labels(${v})`, `props: ${projectionExpression(v, p)}`, ...fetchedEntries(v, p)].join(', ')}}`;
  // What was fetched for a node, as map entries: its sources (`src`) and each relation's rows.
  const fetchedEntries = (v: string, p: Plan): string[] => {
    const parts: string[] = [];
    if (p.sources) parts.push(`src: ${nodeSources(v, p.sources)}`);
    for (const [name, entry] of [...p.relations].sort(([a], [b]) => a.localeCompare(b))) {
      const r = fresh('r');
      const m = fresh('m');
      // The type is asked only of a relation over several types; prime.ts names the one type of the others.
      const several = RELATIONS[name].types.length > 1;
      // The key orders rows of the same node (compareRelated); it is left out where such rows differ in
      // nothing the selection reads (no property of theirs, one type), and so are `props` then.
      const props = entry.props.size > 0 || several ? [`props: ${mapProjection(r, new Set([...entry.props, 'key']))}`] : [];
      const row = [...(several ? [`type: type(${r})`] : []), ...props, ...otherNode(name, m, entry.other)];
      if (entry.sources) row.push(`ls: ${wholeSources(r)}`);
      if (entry.product) {
        const x = fresh('p');
        row.push(`prod: COLLECT { MATCH (${x}:Entity {id: ${r}.product}) RETURN ${namedNode(x, entry.product)} }`);
      }
      if (entry.requires) {
        const [e, id, x] = [fresh('e'), fresh('i'), fresh('q')];
        row.push(`req: COLLECT { UNWIND coalesce(${r}.requires, []) AS ${e} UNWIND split(${e}, '|') AS ${id} MATCH (${x}:Entity {id: ${id}}) RETURN ${namedNode(x, entry.requires)} }`);
      }
      const guard = [...entry.labels].sort().map((label) => `${v}:${label}`).join(' OR ');
      // All the rows: unordered, one row past the cap; prime.ts sorts them as relationMatch orders them,
      // or leaves a relation that reaches the cap to the loaders, whose statement orders before it cuts.
      // Only the first rows (a connection's first page and one more): ordered and cut here.
      const match = Number.isFinite(entry.rows)
        ? `${relationFirst(name, v, r, m, entry.rows).replaceAll('\n', ' ')} RETURN {${row.join(', ')}}`
        : `${relationPattern(name, v, r, m)} RETURN {${row.join(', ')}} LIMIT ${MAX_RELATED + 1}`;
      parts.push(`${relationKey(name)}: CASE WHEN ${guard} THEN COLLECT { ${match} } END`);
    }
    return parts;
  };
  const parts = fetchedEntries(variable, plan);
  return parts.length > 0 ? `{${parts.join(', ')}}` : 'null';
}

/**
 * The stored properties a plan's node reads, and its id, as a map projection; every property when the
 * plan says so. Every node a compiled statement projects this way is decoded as a projection
 * (RawNode.projected): its root node (db/fold.ts) and the nodes at its rows' other ends (prime.ts).
 */
export function projectionExpression(variable: string, plan: Plan): string {
  return plan.props === null ? `properties(${variable})` : mapProjection(variable, new Set(['id', ...plan.props]));
}

/** `v {.a, .b}`: the properties `keys` of `variable`, sorted so equal plans give equal text. */
function mapProjection(variable: string, keys: Iterable<string>): string {
  return `${variable} {${[...keys].sort().map((key) => `.${key}`).join(', ')}}`;
}
