import { z } from 'zod';
import { DecodeError } from '../errors';
import { ENTITY_LABELS } from '../domain/graphModel';
import { rememberDecoded, toNodeRecord, type NodeRecord, type RawNode } from '../db/models';
import { MAX_RELATED, RELATIONS, compareRelated, isRelationName, type RelationSpec } from '../db/queries/relations';
import { NODE_PROPS, PROPS, RAW_NODE } from '../db/rows';
import type { Loaders, RelatedRow } from '../loaders';

const NO_PROPS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The `fetched` value of a node, as cypher.ts shapes it. */
interface Fetched {
  /** The node's sources: what its selection reads of each. */
  readonly src?: readonly RawNode['props'][] | null | undefined;
  readonly rels?: Readonly<Record<string, readonly FetchedLink[] | null>> | null | undefined;
}
interface FetchedNode extends RawNode {
  readonly fetched?: Fetched | null | undefined;
}
/** The node at a row's other end: the properties its fields read; labels only where the relation does not name its one label. */
interface FetchedOther {
  readonly labels?: readonly string[] | undefined;
  readonly props: RawNode['props'];
  readonly fetched?: Fetched | null | undefined;
}
interface FetchedLink {
  /** Only of a relation over several types. */
  readonly type?: string | undefined;
  /** Only where the selection reads properties of the relationships, or the relation has several types. */
  readonly props?: Record<string, unknown> | undefined;
  readonly other: FetchedOther;
  /** The relationship's sources, whole. */
  readonly src?: readonly RawNode[] | undefined;
  /** The nodes it names by id (a flow's product, a bill's entries): what the selection reads of each. */
  readonly prod?: readonly FetchedNode[] | undefined;
  readonly req?: readonly FetchedNode[] | undefined;
}

const FETCHED_NODE: z.ZodType<FetchedNode> = z.lazy(() => z.object({ labels: z.array(z.string()), props: NODE_PROPS, fetched: FETCHED.nullish() }));
const FETCHED_OTHER: z.ZodType<FetchedOther> = z.lazy(() => z.object({ labels: z.array(z.string()).optional(), props: NODE_PROPS, fetched: FETCHED.nullish() }));
const FETCHED_LINK: z.ZodType<FetchedLink> = z.lazy(() =>
  z.object({
    type: z.string().optional(),
    props: PROPS.optional(),
    other: FETCHED_OTHER,
    src: z.array(RAW_NODE).optional(),
    prod: z.array(FETCHED_NODE).optional(),
    req: z.array(FETCHED_NODE).optional(),
  }),
);
const FETCHED: z.ZodType<Fetched> = z.lazy(() =>
  z.object({ src: z.array(NODE_PROPS).nullish(), rels: z.record(z.string(), z.array(FETCHED_LINK).nullable()).nullish() }),
);

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
export function primeFetched(loaders: Loaders, node: NodeRecord, value: unknown): void {
  if (value === null || value === undefined) return;
  const parsed = FETCHED.safeParse(value);
  if (!parsed.success) throw new DecodeError('compiled selection', parsed.error.message);
  attachTree(loaders, node, selfOf(node), parsed.data);
}

/** A raw node that decodes to `node`: the parent's own end of its relation rows (a self-end field such as `inputs { to }`). */
function selfOf(node: NodeRecord): RawNode | null {
  if (node.__typename !== 'Entity') return null;
  const self = { labels: [ENTITY_LABELS[node.kind]], props: node.props as RawNode['props'] };
  rememberDecoded(self, node);
  return self;
}

function attachTree(loaders: Loaders, node: NodeRecord, self: RawNode | null, fetched: Fetched): void {
  if (fetched.src) loaders.attachSources(node, fetched.src);
  if (!self) return;
  for (const [name, links] of Object.entries(fetched.rels ?? {})) {
    // A relation past the cap is left to the loaders: their statement orders it before cutting it.
    if (links === null || !isRelationName(name) || links.length > MAX_RELATED) continue;
    const order = compareRelated(name);
    const { direction, types } = RELATIONS[name];
    const { target }: RelationSpec = RELATIONS[name];
    const outgoing = direction === 'out';
    const labelsOf = (other: FetchedOther): readonly string[] => other.labels ?? (target ? [target] : []);
    // The other end holds only what the selection reads: it decodes as a projection (RawNode.projected).
    const pairs = links
      .map((link) => {
        const other = { labels: labelsOf(link.other), props: link.other.props, projected: true };
        const row: RelatedRow = { type: link.type ?? types[0], props: link.props ?? NO_PROPS, outgoing, self, other, named: namedBy(loaders, link) };
        return { link, row };
      })
      .sort((a, b) => order(a.row, b.row));
    loaders.attach(node, name, pairs.map((p) => p.row));
    for (const { link, row } of pairs) {
      const other = row.other;
      if (link.other.fetched) {
        const record = decode(other);
        if (record) attachTree(loaders, record, record.__typename === 'Entity' ? other : null, link.other.fetched);
      }
      for (const source of link.src ?? []) primeNode(loaders, source);
    }
  }
}

/** The nodes a row's relationship names by id, as records of this selection (with what is below them attached). */
function namedBy(loaders: Loaders, link: FetchedLink): ReadonlyMap<string, NodeRecord> | undefined {
  const named = [...(link.prod ?? []), ...(link.req ?? [])];
  if (named.length === 0) return undefined;
  const records = new Map<string, NodeRecord>();
  for (const entity of named) {
    const record = decode({ labels: entity.labels, props: entity.props, projected: true });
    if (!record) continue;
    if (entity.fetched) attachTree(loaders, record, selfOf(record), entity.fetched);
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
