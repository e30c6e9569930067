import { DecodeError } from '../errors';
import { ENTITY_LABELS } from '../domain/graphModel';
import { rememberDecoded, toNodeRecord, type NodeRecord, type RawNode } from '../db/models';
import { MAX_RELATED, RELATIONS, compareRelated, type RelationSpec } from '../db/queries/relations';
import { isNodeProps } from '../db/rows';
import { isStringArray } from '../domain/guards';
import type { Loaders, RelatedRow } from '../loaders';
import { rootLayout, type FetchedLayout, type NodeLayout, type RowLayout } from './layout';
import type { Plan } from './plan';

const NO_PROPS: Readonly<Record<string, unknown>> = Object.freeze({});

/*
 * What a compiled statement fetched below a node, as cypher.ts writes it and layout.ts places it, is
 * checked place by place as it is walked (below), against the layout of the plan it was compiled
 * from: each list is as long as its layout says, each node has an id. The properties inside are the
 * domain model's to decode (toNodeRecord, where each record is made). One zod schema of the whole
 * tree did the same check before, recursive through z.lazy and copying every map: 5 % of the
 * server's CPU on the benchmark's frontend operation (docs/performance.md).
 */
type Values = readonly unknown[];

/** A DecodeError naming what was expected (the text is made only then: the checks run on every row). */
function malformed(expected: string): never {
  throw new DecodeError('compiled selection', `expected ${expected}`);
}

/** A list of `width` values: a root's fetched values, a row or a named node, as its layout places them. */
function listOf(value: unknown, width: number, what: string): Values {
  if (!Array.isArray(value) || value.length !== width) malformed(`${what}: a list of ${width} values`);
  return value;
}

/** The list in a place that holds one (of rows, of sources), or null where a relation's labels did not ask. */
function listIn(value: unknown, what: string): Values | null {
  if (value === null) return null;
  if (!Array.isArray(value)) malformed(`${what}: a list`);
  return value;
}

/** The property map of the values from `at` on, in `keys`' order; the map itself at `at` where `keys` is null (every property). */
function propsAt(values: Values, at: number, keys: readonly string[] | null, what: string): RawNode['props'] {
  const props = keys === null ? values[at] : mapOf(values, at, keys);
  if (!isNodeProps(props)) malformed(`${what}: properties with a string id`);
  return props;
}

function labelsAt(values: Values, at: number, what: string): readonly string[] {
  const labels = values[at];
  if (!isStringArray(labels)) malformed(`${what}: labels`);
  return labels;
}

function mapOf(values: Values, at: number, keys: readonly string[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) map[keys[i]!] = values[at + i];
  return map;
}

/**
 * Hands what a compiled statement fetched for `node` to the resolvers below it: the rows of each
 * relation are attached to the record of the node they belong to (`loaders.attach`), down the whole
 * tree, and so are a node's sources (`loaders.attachSources`). Every record is this selection's own,
 * holding what it reads: the nodes a relationship names by id (a flow's product, a bill's entries)
 * travel with their row (`RelatedRow.named`), not through the node loader, which other selections of
 * the request read. Only a relationship's sources come whole and prime the node loader. A node whose
 * stored data breaks the model gets nothing attached: its resolver loads it and reports the error on
 * the field that asks.
 */
export function primeFetched(loaders: Loaders, node: NodeRecord, value: unknown, plan: Plan): void {
  if (value === null || value === undefined) return;
  const layout = rootLayout(plan);
  attachTree(loaders, node, selfOf(node), listOf(value, layout.width, `what was fetched for ${node.id}`), layout);
}

/** Whether a layout holds anything fetched for its node: its sources or a relation's rows. */
const holdsAnything = (layout: FetchedLayout): boolean => layout.src !== null || layout.relations.length > 0;

/** A raw node that decodes to `node`: the parent's own end of its relation rows (a self-end field such as `inputs { to }`). */
function selfOf(node: NodeRecord): RawNode | null {
  if (node.__typename !== 'Entity') return null;
  const self = { labels: [ENTITY_LABELS[node.kind]], props: node.props as RawNode['props'] };
  rememberDecoded(self, node);
  return self;
}

/** `values` holds what was fetched for `node` where `layout` (the plan's, layout.ts) places it, level by level. */
function attachTree(loaders: Loaders, node: NodeRecord, self: RawNode | null, values: Values, layout: FetchedLayout): void {
  if (layout.src !== null) {
    const what = `a source of ${node.id}`;
    const width = layout.sourceKeys?.length ?? 1;
    const sources = listIn(values[layout.src], what) ?? [];
    loaders.attachSources(node, sources.map((source) => propsAt(listOf(source, width, what), 0, layout.sourceKeys, what)));
  }
  if (!self) return;
  for (const { name, entry, at, row: rowLayout } of layout.relations) {
    const what = `a row of ${name} for ${node.id}`;
    const rows = listIn(values[at], what);
    // null: a relation asked only of other labels. One past the cap: left to the loaders, whose
    // statement orders the relation before cutting it.
    if (rows === null || rows.length > MAX_RELATED) continue;
    // Only the first rows were fetched, and there are more: they are a first page's, not the relation.
    const first = rows.length >= entry.rows;
    const order = compareRelated(name);
    const { direction, types, target }: RelationSpec = RELATIONS[name];
    const outgoing = direction === 'out';
    const pairs = rows
      .map((value) => {
        const link = listOf(value, rowLayout.width, what);
        const labels = rowLayout.labels === null ? (target ? [target] : []) : labelsAt(link, rowLayout.labels, what);
        const type = rowLayout.type === null ? types[0]! : link[rowLayout.type];
        if (typeof type !== 'string') malformed(`${what}: a type`);
        const props = rowLayout.props === null || rowLayout.linkKeys === null ? NO_PROPS : mapOf(link, rowLayout.props, rowLayout.linkKeys);
        // The other end holds only what the selection reads: it decodes as a projection (RawNode.projected).
        const other: RawNode = { labels, props: propsAt(link, rowLayout.n, rowLayout.keys, what), projected: true };
        const row: RelatedRow = { type, props, outgoing, self, other, named: namedBy(loaders, link, rowLayout, what) };
        return { link, row };
      })
      .sort((a, b) => order(a.row, b.row));
    if (first) loaders.attachFirst(node, name, pairs.map((p) => p.row));
    else loaders.attach(node, name, pairs.map((p) => p.row));
    for (const { link, row } of pairs) {
      const other = row.other;
      if (holdsAnything(rowLayout.fetched)) {
        const record = decode(other);
        if (record) attachTree(loaders, record, record.__typename === 'Entity' ? other : null, link, rowLayout.fetched);
      }
      if (rowLayout.ls !== null) for (const source of listIn(link[rowLayout.ls], what) ?? []) primeNode(loaders, wholeNode(source, what));
    }
  }
}

/** A relationship's source: `[labels, properties]`, whole. */
function wholeNode(value: unknown, what: string): RawNode {
  const source = listOf(value, 2, `${what}: a source`);
  return { labels: labelsAt(source, 0, what), props: propsAt(source, 1, null, what) };
}

/** The nodes a row's relationship names by id, as records of this selection (with what is below them attached). */
function namedBy(loaders: Loaders, link: Values, layout: RowLayout, what: string): ReadonlyMap<string, NodeRecord> | undefined {
  if (layout.product === null && layout.requires === null) return undefined;
  const records = new Map<string, NodeRecord>();
  const take = (at: number | null, named: NodeLayout | null): void => {
    if (at === null || named === null) return;
    for (const value of listIn(link[at], what) ?? []) {
      const values = listOf(value, named.width, what);
      const record = decode({ labels: labelsAt(values, named.labels!, what), props: propsAt(values, named.n, named.keys, what), projected: true });
      if (!record) continue;
      if (holdsAnything(named.fetched)) attachTree(loaders, record, selfOf(record), values, named.fetched);
      records.set(record.id, record);
    }
  };
  take(layout.prod, layout.product);
  take(layout.req, layout.requires);
  return records;
}

function decode(raw: RawNode): NodeRecord | null {
  try {
    return toNodeRecord(raw);
  } catch {
    return null; // left to the resolver, which reports the broken record on the field that asks
  }
}

/** Primes the node loader with a node that has all its properties (a relationship's source). */
function primeNode(loaders: Loaders, raw: RawNode): void {
  const record = decode(raw);
  if (record) loaders.primeNode(raw.props.id, record);
}
