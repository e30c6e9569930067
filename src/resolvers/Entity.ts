import type { EntityRecord } from '../db/models';
import { optionalString, stringList, stringProp } from '../db/models';
import { isRecord } from '../domain/guards';
import type { Context } from '../context';
import { confidenceOf, sourcesOf } from './helpers';
import type { EntityKind } from '../generated/graphql';

const TYPE_BY_KIND = {
  ELEMENT: 'Element',
  DEPOSIT: 'Deposit',
  REGION: 'Region',
  COMPANY: 'Company',
  FACILITY: 'Facility',
  PRODUCT: 'Product',
  STAGE: 'SupplyChainStage',
} as const;

export function entityTypeName(entity: EntityRecord): (typeof TYPE_BY_KIND)[keyof typeof TYPE_BY_KIND] {
  return TYPE_BY_KIND[entity.kind];
}

function renderDetail(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields every entity type shares; spread into each type's resolver map. */
export const entityFields = {
  entityKind: (parent: EntityRecord): EntityKind => parent.kind,
  name: (parent: EntityRecord): string => stringProp(parent.props, 'name'),
  aliases: (parent: EntityRecord): string[] => stringList(parent.props.aliases),
  description: (parent: EntityRecord): string | null => optionalString(parent.props.description),
  confidence: (parent: EntityRecord) => confidenceOf(parent.props),
  details: (parent: EntityRecord): { key: string; value: string }[] => {
    const raw: unknown = typeof parent.props.detailsJson === 'string' ? JSON.parse(parent.props.detailsJson) : {};
    return Object.entries(isRecord(raw) ? raw : {}).map(([key, value]) => ({ key, value: renderDetail(value) }));
  },
  sources: (parent: EntityRecord, _args: unknown, ctx: Context) => sourcesOf(ctx, parent.props),
};
