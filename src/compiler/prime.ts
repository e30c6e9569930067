import { z } from 'zod';
import { DecodeError } from '../errors';
import { ENTITY_LABELS } from '../domain/graphModel';
import { toNodeRecord, type NodeRecord, type RawNode } from '../db/models';
import { isRelationName } from '../db/queries/relations';
import { PROPS, RAW_NODE } from '../db/rows';
import type { Loaders } from '../loaders';

/** The `fetched` value of a node, as cypher.ts shapes it. */
interface Fetched {
  readonly src?: readonly RawNode[] | null | undefined;
  readonly rels?: Readonly<Record<string, readonly FetchedLink[] | null>> | null | undefined;
}
interface FetchedNode extends RawNode {
  readonly fetched: Fetched | null;
}
interface FetchedLink {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly outgoing: boolean;
  readonly other: FetchedNode;
  readonly src?: readonly RawNode[] | undefined;
  readonly prod?: readonly FetchedNode[] | undefined;
  readonly req?: readonly FetchedNode[] | undefined;
}

const NODE_PROPS = z.object({ id: z.string() }).catchall(z.unknown());
const FETCHED_NODE: z.ZodType<FetchedNode> = z.lazy(() => z.object({ labels: z.array(z.string()), props: NODE_PROPS, fetched: FETCHED.nullable() }));
const FETCHED_LINK: z.ZodType<FetchedLink> = z.lazy(() =>
  z.object({
    type: z.string(),
    props: PROPS,
    outgoing: z.boolean(),
    other: FETCHED_NODE,
    src: z.array(RAW_NODE).optional(),
    prod: z.array(FETCHED_NODE).optional(),
    req: z.array(FETCHED_NODE).optional(),
  }),
);
const FETCHED: z.ZodType<Fetched> = z.lazy(() =>
  z.object({ src: z.array(RAW_NODE).nullish(), rels: z.record(z.string(), z.array(FETCHED_LINK).nullable()).nullish() }),
);

/** The raw form of a node record, as relation rows hold their own end (entities only have relations). */
function rawOf(node: NodeRecord): RawNode | null {
  return node.__typename === 'Entity' ? { labels: [ENTITY_LABELS[node.kind]], props: node.props as RawNode['props'] } : null;
}

/**
 * Primes the request's loaders with what a compiled statement fetched for `node`: the rows of each
 * relation (keyed by relation and node id, as the loaders key them) and every node loaded by id
 * (sources, a flow's product, a bill of materials' entries), down the whole tree. A node whose stored
 * data breaks the model is not primed: its resolver loads it and reports the error where it belongs.
 */
export function primeFetched(loaders: Loaders, node: NodeRecord, value: unknown): void {
  if (value === null || value === undefined) return;
  const parsed = FETCHED.safeParse(value);
  if (!parsed.success) throw new DecodeError('compiled selection', parsed.error.message);
  const self = rawOf(node);
  primeTree(loaders, self, node.id, parsed.data);
}

function primeTree(loaders: Loaders, self: RawNode | null, id: string, fetched: Fetched): void {
  for (const source of fetched.src ?? []) primeNode(loaders, source);
  if (!self) return;
  for (const [name, links] of Object.entries(fetched.rels ?? {})) {
    if (links === null || !isRelationName(name)) continue;
    loaders.primeRelation(
      name,
      id,
      links.map((link) => ({ type: link.type, props: link.props, outgoing: link.outgoing, self, other: { labels: link.other.labels, props: link.other.props } })),
    );
    for (const link of links) {
      primeChild(loaders, link.other);
      for (const source of link.src ?? []) primeNode(loaders, source);
      for (const entity of [...(link.prod ?? []), ...(link.req ?? [])]) {
        primeNode(loaders, entity);
        primeChild(loaders, entity);
      }
    }
  }
}

function primeChild(loaders: Loaders, node: FetchedNode): void {
  if (node.fetched) primeTree(loaders, { labels: node.labels, props: node.props }, node.props.id, node.fetched);
}

function primeNode(loaders: Loaders, raw: RawNode): void {
  try {
    loaders.primeNode(raw.props.id, toNodeRecord(raw));
  } catch {
    // Not primed: the loader loads it and reports the broken record on the field that asks for it.
  }
}
