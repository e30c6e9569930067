import type { Context } from '../context';
import { type EntityRecord, type RelationRecord, type FigureRecord, type SourceRecord, toEntityRecord, toNodeRecord, stringList } from '../db/models';
import type { RelatedRow } from '../loaders';
import type { RelationName } from '../db/queries/relations';

/** The relationships of one relation field, oriented as stored (`from` is the start node). */
export async function relationsOf(ctx: Context, name: RelationName, id: string): Promise<RelationRecord[]> {
  const rows = await ctx.loaders.relation(name).load(id);
  return rows.map(toRelation);
}

export function toRelation(row: RelatedRow): RelationRecord {
  const self = toEntityRecord(row.self);
  const other = toEntityRecord(row.other);
  return { type: row.type, props: row.props, from: row.outgoing ? self : other, to: row.outgoing ? other : self };
}

/** The entities at the other end of one relation field. */
export async function relatedEntities(ctx: Context, name: RelationName, id: string): Promise<EntityRecord[]> {
  const rows = await ctx.loaders.relation(name).load(id);
  return rows.map((row) => toEntityRecord(row.other));
}

export async function firstRelated(ctx: Context, name: RelationName, id: string): Promise<EntityRecord | null> {
  return (await relatedEntities(ctx, name, id))[0] ?? null;
}

export async function relatedFigures(ctx: Context, id: string): Promise<FigureRecord[]> {
  const rows = await ctx.loaders.relation('figures').load(id);
  return rows.map((row) => toNodeRecord(row.other)).filter((n): n is FigureRecord => n.__typename === 'Figure');
}

/** Resolves cited source ids through the node loader; ids without a Source node are skipped. */
export async function sourcesOf(ctx: Context, props: Readonly<Record<string, unknown>>): Promise<SourceRecord[]> {
  const nodes = await ctx.loaders.node.loadMany(stringList(props.sourceIds));
  return nodes.filter((n): n is SourceRecord => !(n instanceof Error) && n !== null && n.__typename === 'Source');
}

/** Stored lower-case status words → GraphQL enum values (`under-construction` → `UNDER_CONSTRUCTION`). */
export function enumValue<T extends string>(value: unknown, fallback: T): T {
  return typeof value === 'string' && value.length > 0 ? (value.toUpperCase().replace(/-/g, '_') as T) : fallback;
}

/** Stored confidence word → `Confidence` enum value. */
export function confidenceOf(props: Readonly<Record<string, unknown>>): 'STATED' | 'INFERRED' | 'UNCONFIRMED' {
  return enumValue(props.confidence, 'STATED');
}
