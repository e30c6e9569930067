import { DecodeError } from '../errors';
import { ENTITY_LABELS } from '../domain/graphModel';
import { rememberDecoded, toNodeRecord, type NodeRecord, type RawNode } from '../db/models';
import { MAX_RELATED, RELATIONS, compareRelated, type RelationSpec } from '../db/queries/relations';
import { relationOfKey } from './cypher';
import { isNodeProps } from '../db/rows';
import { isRecord, isStringArray } from '../domain/guards';
import type { Loaders, RelatedRow } from '../loaders';
import { emptyPlan, type Plan, type RelationPlan } from './plan';

const NO_PROPS: Readonly<Record<string, unknown>> = Object.freeze({});

/*
 * The `fetched` value of a node, as cypher.ts shapes it, is checked level by level as it is walked
 * (below): the maps and lists are what the types say, each node has an id. The properties inside are
 * the domain model's to decode (toNodeRecord, where each record is made). One zod schema of the whole
 * tree did the same check before, recursive through z.lazy and copying every map: 5 % of the server's
 * CPU on the benchmark's frontend operation (docs/performance.md).
 */
/** A node's sources (`src`: what its selection reads of each) and each relation's rows under its key (cypher.ts `relationKey`; checked when walked: isLinks). */
type Fetched = Readonly<Record<string, unknown>> & { readonly src?: readonly RawNode['props'][] | null | undefined };
/** A node a relationship names by id, with what was fetched for it beside its labels and properties (a Fetched). */
type FetchedNode = RawNode & Fetched;
/** A row: the relationship, the node at its other end, and what was fetched for that node (its `src` and relations: a Fetched). */
type FetchedLink = Fetched & {
  /** Only of a relation over several types. */
  readonly type?: string | undefined;
  /** Only where the selection reads properties of the relationships, or the relation has several types. */
  readonly props?: Record<string, unknown> | undefined;
  /** The node at the other end: its labels (only where the relation does not name its one label) ... */
  readonly labels?: readonly string[] | undefined;
  /** ... and the properties its fields read. */
  readonly n: RawNode['props'];
  /** The relationship's sources, whole. */
  readonly ls?: readonly RawNode[] | undefined;
  /** The nodes it names by id (a flow's product, a bill's entries): what the selection reads of each. */
  readonly prod?: readonly FetchedNode[] | undefined;
  readonly req?: readonly FetchedNode[] | undefined;
};

type Guard<T> = (value: unknown) => value is T;
const optional = <T>(value: unknown, is: Guard<T>): boolean => value === undefined || is(value);
const nullish = <T>(value: unknown, is: Guard<T>): boolean => value === undefined || value === null || is(value);
const listOf =
  <T>(is: Guard<T>): Guard<readonly T[]> =>
  (value): value is readonly T[] =>
    Array.isArray(value) && value.every(is);
const isString = (value: unknown): value is string => typeof value === 'string';
const isRawNode = (value: unknown): value is RawNode => isRecord(value) && isStringArray(value.labels) && isNodeProps(value.props);
const isRawNodes = listOf(isRawNode);
const isSourceProps = listOf(isNodeProps);
const isFetched = (value: unknown): value is Fetched => isRecord(value) && nullish(value.src, isSourceProps);
const isFetchedNodes = listOf((value: unknown): value is FetchedNode => isRawNode(value) && isFetched(value));
const isLink = (value: unknown): value is FetchedLink =>
  isFetched(value) &&
  optional(value.type, isString) &&
  optional(value.props, isRecord) &&
  optional(value.labels, isStringArray) &&
  isNodeProps(value.n) &&
  optional(value.ls, isRawNodes) &&
  optional(value.prod, isFetchedNodes) &&
  optional(value.req, isFetchedNodes);
const isLinks = listOf(isLink);

/** `value` as `is` checks it, or a DecodeError naming what was expected. */
function checked<T>(value: unknown, is: Guard<T>, expected: string): T {
  if (!is(value)) throw new DecodeError('compiled selection', `expected ${expected}`);
  return value;
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
  attachTree(loaders, node, selfOf(node), checked(value, isFetched, `a map of sources and relations for ${node.id}`), plan);
}

/** The plan of what was fetched below a node where the plan names nothing (the tree is checked as walked). */
const NOTHING: Plan = emptyPlan();

/** A raw node that decodes to `node`: the parent's own end of its relation rows (a self-end field such as `inputs { to }`). */
function selfOf(node: NodeRecord): RawNode | null {
  if (node.__typename !== 'Entity') return null;
  const self = { labels: [ENTITY_LABELS[node.kind]], props: node.props as RawNode['props'] };
  rememberDecoded(self, node);
  return self;
}

/** `plan` is the one the statement was compiled from (cypher.ts): the fetched tree follows it level by level. */
function attachTree(loaders: Loaders, node: NodeRecord, self: RawNode | null, fetched: Fetched, plan: Plan): void {
  if (fetched.src) loaders.attachSources(node, fetched.src);
  if (!self) return;
  for (const [key, rows] of Object.entries(fetched)) {
    const name = relationOfKey(key);
    if (rows === null || name === undefined) continue; // `src`, or a relation asked only of other labels
    const links = checked(rows, isLinks, `the rows of ${name} for ${node.id}`);
    // A relation past the cap is left to the loaders: their statement orders it before cutting it.
    if (links.length > MAX_RELATED) continue;
    const entry = plan.relations.get(name);
    // Only the first rows were fetched, and there are more: they are a first page's, not the relation.
    const first = entry !== undefined && links.length >= entry.rows;
    const order = compareRelated(name);
    const { direction, types } = RELATIONS[name];
    const { target }: RelationSpec = RELATIONS[name];
    const outgoing = direction === 'out';
    const labelsOf = (link: FetchedLink): readonly string[] => link.labels ?? (target ? [target] : []);
    // The other end holds only what the selection reads: it decodes as a projection (RawNode.projected).
    const pairs = links
      .map((link) => {
        const other = { labels: labelsOf(link), props: link.n, projected: true };
        const row: RelatedRow = { type: link.type ?? types[0], props: link.props ?? NO_PROPS, outgoing, self, other, named: namedBy(loaders, link, entry) };
        return { link, row };
      })
      .sort((a, b) => order(a.row, b.row));
    if (first) loaders.attachFirst(node, name, pairs.map((p) => p.row));
    else loaders.attach(node, name, pairs.map((p) => p.row));
    for (const { link, row } of pairs) {
      const other = row.other;
      if (fetchedBelow(link)) {
        const record = decode(other);
        if (record) attachTree(loaders, record, record.__typename === 'Entity' ? other : null, link, entry?.other ?? NOTHING);
      }
      for (const source of link.ls ?? []) primeNode(loaders, source);
    }
  }
}

/** Whether a row (or a named node) holds anything fetched for its node: its sources or a relation's rows. */
function fetchedBelow(holder: Fetched): boolean {
  if (holder.src !== undefined) return true;
  for (const key in holder) if (relationOfKey(key) !== undefined) return true;
  return false;
}

/** The nodes a row's relationship names by id, as records of this selection (with what is below them attached). */
function namedBy(loaders: Loaders, link: FetchedLink, entry: RelationPlan | undefined): ReadonlyMap<string, NodeRecord> | undefined {
  const named = [...(link.prod ?? []).map((n) => [n, entry?.product] as const), ...(link.req ?? []).map((n) => [n, entry?.requires] as const)];
  if (named.length === 0) return undefined;
  const records = new Map<string, NodeRecord>();
  for (const [entity, plan] of named) {
    const record = decode({ labels: entity.labels, props: entity.props, projected: true });
    if (!record) continue;
    if (fetchedBelow(entity)) attachTree(loaders, record, selfOf(record), entity, plan ?? NOTHING);
    records.set(record.id, record);
  }
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
