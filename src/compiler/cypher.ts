import { MAX_RELATED, relationFirst, relationPattern } from '../db/queries/relations';
import { nodeKeys, rootLayout, type FetchedLayout, type NodeLayout } from './layout';
import type { Plan } from './plan';

/**
 * A plan as one Cypher expression over a node variable: a list with the node's sources and, per
 * relation, its rows, each row with the node at the other end and what that node needs in turn, as
 * nested COLLECT subqueries; layout.ts says which value sits where, and why flat lists. Relations are
 * matched by `relationPattern`, the pattern the per-level batch uses, and sorted in prime.ts. The text
 * comes from the plan's relation names, labels and properties only; nothing of a request's values
 * reaches it (those are parameters of the root statement).
 *
 * A relation's pattern is directed, so whether a row's relationship starts at the parent follows from
 * the relation (prime.ts), not from each row; so does the type of a relation over one type, and the
 * label of the other end of a relation whose pattern names it (`target`).
 *
 * The node at a row's other end brings its id and the stored properties its selected fields read;
 * prime.ts decodes it as a projection. A relationship brings those its selected fields read and its
 * `key`, or nothing when its fields read none (layout.ts linkKeys).
 *
 * A relation is asked only of nodes with a label whose fields load it (`CASE WHEN v:Facility …`); it is
 * `null` for the others, and nothing is attached for it.
 */
export function fetchedExpression(variable: string, plan: Plan): string {
  const root = rootLayout(plan);
  if (root.width === 0) return 'null';
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}${++counter}`;

  // A node's sources: what its selection reads of each (prime.ts hands them to its record). Those of a
  // relationship: whole nodes, which prime the node loader.
  const nodeSources = (holder: string, keys: readonly string[] | null): string => {
    const s = fresh('s');
    const values = keys === null ? `properties(${s})` : valuesOf(s, keys).join(', ');
    return `COLLECT { MATCH (${s}:Source) WHERE ${s}.id IN ${holder}.sourceIds RETURN [${values}] }`;
  };
  const wholeSources = (holder: string): string => {
    const s = fresh('s');
    return `COLLECT { MATCH (${s}:Source) WHERE ${s}.id IN ${holder}.sourceIds RETURN [labels(${s}), properties(${s})] }`;
  };
  // A node's property values and labels, in their places (prime.ts decodes them as a projection).
  const node = (v: string, layout: NodeLayout, into: string[]): void => {
    if (layout.keys === null) into[layout.n] = `properties(${v})`;
    else valuesOf(v, layout.keys).forEach((value, i) => (into[layout.n + i] = value));
    if (layout.labels !== null) into[layout.labels] = `labels(${v})`;
  };
  // A node a relationship names by id (a flow's product, a bill's entries): what its selected fields
  // read, its labels (a bill names entities of any kind) and what was fetched for it. prime.ts hands
  // it to its row alone.
  const named = (v: string, layout: NodeLayout): string => {
    const values: string[] = [];
    node(v, layout, values);
    fetched(v, layout.fetched, values);
    return list(values, layout.width);
  };
  // What was fetched for a node: its sources and each relation's rows, in their places.
  const fetched = (v: string, layout: FetchedLayout, into: string[]): void => {
    if (layout.src !== null) into[layout.src] = nodeSources(v, layout.sourceKeys);
    for (const { name, entry, at, row } of layout.relations) {
      const r = fresh('r');
      const m = fresh('m');
      const values: string[] = [];
      node(m, row, values);
      if (row.type !== null) values[row.type] = `type(${r})`;
      const props = row.props;
      if (props !== null && row.linkKeys) valuesOf(r, row.linkKeys).forEach((value, i) => (values[props + i] = value));
      if (row.ls !== null) values[row.ls] = wholeSources(r);
      if (row.prod !== null && row.product) {
        const x = fresh('p');
        values[row.prod] = `COLLECT { MATCH (${x}:Entity {id: ${r}.product}) RETURN ${named(x, row.product)} }`;
      }
      if (row.req !== null && row.requires) {
        const [e, id, x] = [fresh('e'), fresh('i'), fresh('q')];
        values[row.req] = `COLLECT { UNWIND coalesce(${r}.requires, []) AS ${e} UNWIND split(${e}, '|') AS ${id} MATCH (${x}:Entity {id: ${id}}) RETURN ${named(x, row.requires)} }`;
      }
      fetched(m, row.fetched, values);
      const guard = [...entry.labels].sort().map((label) => `${v}:${label}`).join(' OR ');
      // All the rows: unordered, one row past the cap; prime.ts sorts them as relationMatch orders them,
      // or leaves a relation that reaches the cap to the loaders, whose statement orders before it cuts.
      // Only the first rows (a connection's first page and one more): ordered and cut here.
      const match = Number.isFinite(entry.rows)
        ? `${relationFirst(name, v, r, m, entry.rows).replaceAll('\n', ' ')} RETURN ${list(values, row.width)}`
        : `${relationPattern(name, v, r, m)} RETURN ${list(values, row.width)} LIMIT ${MAX_RELATED + 1}`;
      into[at] = `CASE WHEN ${guard} THEN COLLECT { ${match} } END`;
    }
  };
  const values: string[] = [];
  fetched(variable, root, values);
  return list(values, root.width);
}

/** `[a, b]`: the values, every place of the layout filled. */
function list(values: readonly string[], width: number): string {
  if (values.length !== width || Object.keys(values).length !== width) throw new Error(`A compiled list fills ${Object.keys(values).length} of its ${width} places`);
  return `[${values.join(', ')}]`;
}

/** `v.a`, `v.b`: the properties `keys` of `variable`. */
function valuesOf(variable: string, keys: readonly string[]): string[] {
  return keys.map((key) => `${variable}.${key}`);
}

/**
 * The stored properties a plan's node reads, and its id, as a map projection of a root statement's
 * node (db/fold.ts); every property when the plan says so. The node is decoded as a projection
 * (RawNode.projected), as are the nodes of the rows below it (prime.ts).
 */
export function projectionExpression(variable: string, plan: Plan): string {
  const keys = nodeKeys(plan);
  return keys === null ? `properties(${variable})` : `${variable} {${keys.map((key) => `.${key}`).join(', ')}}`;
}
