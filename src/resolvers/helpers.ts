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
import { MAX_RELATED, RELATION_FILTERS, type RelationFilter, type RelationName } from '../db/queries/relations';
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

/** A value now or later: rows a compiled statement attached are there now, the loaders' come later. */
export type MaybePromise<T> = T | Promise<T>;
/**
 * `f` of the value, now when it is there (a field that resolves without a promise spares graphql-js
 * the promise and the await of its object and every list and object above it), else when it comes.
 */
export const then = <T, U>(value: MaybePromise<T>, f: (value: T) => MaybePromise<U>): MaybePromise<U> => (value instanceof Promise ? value.then(f) : f(value));

/**
 * The relationships of one relation field, oriented as stored (`from` is the start node). Synchronous
 * when the rows came with the parent (the request compiler), so the field resolves without a promise.
 */
export function relationsOf(ctx: Context, name: RelationName, parent: EntityRecord): MaybePromise<RelationRecord[]> {
  return then(ctx.loaders.related(name, parent), (rows) => rows.map((row) => toRelation(name, row)));
}

function toRelation(name: RelationName, row: RelatedRow): RelationRecord {
  const self = decodeRelated(name, row.self, toEntityRecord);
  const other = decodeRelated(name, row.other, toEntityRecord);
  return { type: row.type, props: row.props, from: row.outgoing ? self : other, to: row.outgoing ? other : self, named: row.named };
}

/** The entities at the other end of one relation field. */
export function relatedEntities(ctx: Context, name: RelationName, parent: EntityRecord): MaybePromise<EntityRecord[]> {
  return then(ctx.loaders.related(name, parent), (rows) => decodedRows(name, rows));
}

function decodedRows(name: RelationName, rows: readonly RelatedRow[]): EntityRecord[] {
  return rows.map((row) => decodeRelated(name, row.other, toEntityRecord));
}

/**
 * The entities of kind `kind` at the other end of one relation field: the type of the field. The
 * relation's spec already targets that kind's label, so this narrows the type and drops nothing.
 */
export function relatedOfKind<K extends EntityKindName>(ctx: Context, name: RelationName, parent: EntityRecord, kind: K): MaybePromise<ModelOf<K>[]> {
  return then(relatedEntities(ctx, name, parent), (entities) => entities.filter(ofKind(kind)));
}

export function firstRelated<K extends EntityKindName>(ctx: Context, name: RelationName, parent: EntityRecord, kind: K): MaybePromise<ModelOf<K> | null> {
  return then(relatedOfKind(ctx, name, parent, kind), (entities) => entities[0] ?? null);
}

export function relatedFigures(ctx: Context, parent: EntityRecord): MaybePromise<FigureRecord[]> {
  return then(ctx.loaders.related('figures', parent), (rows) =>
    rows.map((row) => decodeRelated('figures', row.other, toNodeRecord)).filter((n): n is FigureRecord => n.__typename === 'Figure'),
  );
}

/**
 * Resolves cited source ids: from what the compiled statement fetched with `holder`, else through the
 * node loader; ids without a Source node are skipped.
 */
export function sourcesOf(ctx: Context, ids: readonly string[], holder?: NodeRecord): MaybePromise<SourceRecord[]> {
  const fetched = holder && ctx.loaders.sourcesOf(holder);
  if (fetched) return ids.flatMap((id) => fetched.get(id) ?? []);
  return ctx.loaders.node.loadMany(ids).then((nodes) => nodes.filter((n): n is SourceRecord => !(n instanceof Error) && n !== null && n.__typename === 'Source'));
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
 * A page of a relation field as a connection, of the rows `filter` keeps when given. The related
 * entities (at most MAX_RELATED, in the relation's order) come from the level's batch statement; the
 * page is cut from them by a cursor that names the item to start after and its place. A first page of
 * an unfiltered relation is cut from its first rows where a compiled statement fetched only those
 * (`Loaders.firstRows`: the page and one more, or all).
 */
export function relatedPage(
  ctx: Context,
  name: RelationName,
  parent: EntityRecord,
  args: { first?: number | null; after?: string | null },
  filter?: RelationFilter,
): MaybePromise<ConnectionRecord> {
  const size = pageSize(args.first, 'first');
  const sort = filter ? `relation:${name}|${filter.name}=${filter.value}` : `relation:${name}`;
  const position = args.after ? decodeCursor(args.after, sort, 'after') : null;
  // The loaders read a relation's first MAX_RELATED rows. One that has that many may have more: its
  // count, and its pages past the rows read, come from statements of their own. What a filter keeps of
  // the rows read is the start of what it keeps of the relation, in the same order.
  const isCut = (rows: readonly RelatedRow[]) => rows.length >= MAX_RELATED;
  // `kept`: how many of the rows read the page is cut from (all of them, or those the filter keeps).
  const count = (rows: readonly RelatedRow[], kept = rows.length) => (isCut(rows) ? ctx.loaders.relatedCount(name, parent, filter) : kept);
  const firstRows = position || filter ? undefined : ctx.loaders.firstRows(name, parent);
  if (firstRows && firstRows.length > size) {
    return connectionOf(decodedRows(name, firstRows).slice(0, size), {
      sort,
      start: 0,
      hasNextPage: true,
      countTotal: async () => count(await ctx.loaders.related(name, parent)),
    });
  }
  const gone = () => new BadUserInputError('"after" points to an item that is no longer in this list', 'after');
  return then(ctx.loaders.related(name, parent), (rows) => {
    const cut = isCut(rows);
    const all = decodedRows(name, filter ? rows.filter((row) => RELATION_FILTERS[filter.name].keeps(row.props, filter.value)) : rows);
    const countTotal = async () => count(rows, all.length);
    const start = position ? all.findIndex((e) => e.id === position.id) + 1 : 0;
    if (cut && ((position && start === 0) || start + size >= all.length)) {
      // A cursor's key is its item's place in the list: read from there, that item first.
      const at = !position ? 0 : start > 0 ? start - 1 : position.key;
      if (typeof at !== 'number' || !Number.isInteger(at) || at < 0) throw gone();
      return then(ctx.loaders.relatedSlice(name, parent, at, size + (position ? 2 : 1), filter), (sliced) => {
        const read = decodedRows(name, sliced);
        // After a cursor, the slice starts at its item.
        const after = position ? read.slice(1) : read;
        if (position && read[0]?.id !== position.id) throw gone();
        return connectionOf(after.slice(0, size), { sort, start: position ? at + 1 : 0, hasNextPage: after.length > size, countTotal });
      });
    }
    if (position && start === 0) throw gone();
    return connectionOf(all.slice(start, start + size), { sort, start, hasNextPage: start + size < all.length, countTotal });
  });
}

/** A connection of the `nodes` at `start` of a list sorted by `sort`; cursors are encoded only for the clients that select them. */
function connectionOf(
  nodes: readonly EntityRecord[],
  page: { readonly sort: string; readonly start: number; readonly hasNextPage: boolean; readonly countTotal: () => Promise<number> },
): ConnectionRecord {
  const edges = nodes.map((node, i) => ({
    node,
    get cursor() {
      return encodeCursor({ sort: page.sort, key: page.start + i, id: node.id });
    },
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.start > 0,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    countTotal: page.countTotal,
  };
}
