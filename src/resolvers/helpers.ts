import type { Context } from '../context';
import {
  type EntityKindName,
  type EntityRecord,
  type FigureRecord,
  type ModelOf,
  type NodeRecord,
  type RawNode,
  type RelationRecord,
  type SourceRecord,
  ofKind,
  toEntityRecord,
  toNodeRecord,
} from '../db/models';
import type { RelatedRow } from '../loaders';
import type { RelationName } from '../db/queries/relations';
import type { ConnectionRecord } from '../db/models';
import { decodeCursor, encodeCursor } from '../db/cursor';
import { pageSize } from '../db/pages';
import { BadUserInputError, DecodeError } from '../errors';
import { errorMessage } from '../domain/guards';
import type { Confidence } from '../generated/graphql';
import { CONFIDENCE } from './enums';
import { COMMODITIES, isCommodity } from '../domain/materials';

/** A node of a relation's rows as its model; stored data that breaks the model is a DecodeError naming the relation. */
function decodeRelated<T extends NodeRecord>(name: RelationName, raw: RawNode, decode: (raw: RawNode) => T): T {
  try {
    return decode(raw);
  } catch (error) {
    throw new DecodeError(`relation ${name}`, errorMessage(error));
  }
}

/** The relationships of one relation field, oriented as stored (`from` is the start node). */
export async function relationsOf(ctx: Context, name: RelationName, parent: EntityRecord): Promise<RelationRecord[]> {
  const rows = await ctx.loaders.related(name, parent);
  return rows.map((row) => toRelation(name, row));
}

function toRelation(name: RelationName, row: RelatedRow): RelationRecord {
  const self = decodeRelated(name, row.self, toEntityRecord);
  const other = decodeRelated(name, row.other, toEntityRecord);
  return { type: row.type, props: row.props, from: row.outgoing ? self : other, to: row.outgoing ? other : self };
}

/** The entities at the other end of one relation field. */
export async function relatedEntities(ctx: Context, name: RelationName, parent: EntityRecord): Promise<EntityRecord[]> {
  const rows = await ctx.loaders.related(name, parent);
  return rows.map((row) => decodeRelated(name, row.other, toEntityRecord));
}

/**
 * The entities of kind `kind` at the other end of one relation field: the type of the field. The
 * relation's spec already targets that kind's label, so this narrows the type and drops nothing.
 */
export async function relatedOfKind<K extends EntityKindName>(ctx: Context, name: RelationName, parent: EntityRecord, kind: K): Promise<ModelOf<K>[]> {
  return (await relatedEntities(ctx, name, parent)).filter(ofKind(kind));
}

export async function firstRelated<K extends EntityKindName>(ctx: Context, name: RelationName, parent: EntityRecord, kind: K): Promise<ModelOf<K> | null> {
  return (await relatedOfKind(ctx, name, parent, kind))[0] ?? null;
}

export async function relatedFigures(ctx: Context, parent: EntityRecord): Promise<FigureRecord[]> {
  const rows = await ctx.loaders.related('figures', parent);
  return rows.map((row) => decodeRelated('figures', row.other, toNodeRecord)).filter((n): n is FigureRecord => n.__typename === 'Figure');
}

/** Resolves cited source ids through the node loader; ids without a Source node are skipped. */
export async function sourcesOf(ctx: Context, ids: readonly string[]): Promise<SourceRecord[]> {
  const nodes = await ctx.loaders.node.loadMany(ids);
  return nodes.filter((n): n is SourceRecord => !(n instanceof Error) && n !== null && n.__typename === 'Source');
}

/** A `commodity` argument: one of the families the graph names (BAD_USER_INPUT listing them otherwise). */
export function commodityArgument(value: string, argument = 'commodity'): string {
  if (!isCommodity(value)) throw new BadUserInputError(`"${argument}" must be one of ${COMMODITIES.join(', ')} (got "${value.slice(0, 50)}")`, argument);
  return value;
}

/** Stored confidence word → `Confidence` enum value (`STATED` when none is stored). */
export function confidenceOf(stored: unknown): Confidence {
  return CONFIDENCE.decode(stored, 'STATED');
}

/**
 * A page of a relation field as a connection. The related entities (at most MAX_RELATED, in the
 * relation's order) come from the level's batch statement; the page is cut from them by a cursor that
 * names the item to start after.
 */
export async function relatedPage(
  ctx: Context,
  name: RelationName,
  parent: EntityRecord,
  args: { first?: number | null; after?: string | null },
  keep: (entity: EntityRecord) => boolean = () => true,
): Promise<ConnectionRecord> {
  const all = (await relatedEntities(ctx, name, parent)).filter(keep);
  const size = pageSize(args.first, 'first');
  const sort = `relation:${name}`;
  let start = 0;
  if (args.after) {
    const position = decodeCursor(args.after, sort, 'after');
    start = all.findIndex((e) => e.id === position.id) + 1;
    if (start === 0) throw new BadUserInputError('"after" points to an item that is no longer in this list', 'after');
  }
  const edges = all.slice(start, start + size).map((node, i) => ({ cursor: encodeCursor({ sort, key: start + i, id: node.id }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + size < all.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    countTotal: async () => all.length,
  };
}
