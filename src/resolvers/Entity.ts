import type { EntityRecord } from '../db/models';
import { ENTITY_LABELS, type EntityLabel } from '../domain/graphModel';
import type { Context } from '../context';
import { confidenceOf, sourcesOf } from './helpers';
import type { EntityKind } from '../generated/graphql';

/** The GraphQL type of an entity: its label (the entity types are named after the labels). */
export function entityTypeName(entity: EntityRecord): EntityLabel {
  return ENTITY_LABELS[entity.kind];
}

function renderDetail(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields every entity type shares (from the record every kind's schema extends); spread into each type's resolver map. */
export const entityFields = {
  entityKind: (parent: EntityRecord): EntityKind => parent.kind,
  name: (parent: EntityRecord): string => parent.data.name,
  aliases: (parent: EntityRecord): string[] => [...parent.data.aliases],
  formerIds: (parent: EntityRecord): string[] => [...(parent.data.formerIds ?? [])],
  description: (parent: EntityRecord): string | null => parent.data.description ?? null,
  confidence: (parent: EntityRecord) => confidenceOf(parent.data.confidence),
  details: (parent: EntityRecord): { key: string; value: string }[] =>
    Object.entries(parent.data.details ?? {}).map(([key, value]) => ({ key, value: renderDetail(value) })),
  sources: (parent: EntityRecord, _args: unknown, ctx: Context) => sourcesOf(ctx, parent.data.sources, parent),
};
