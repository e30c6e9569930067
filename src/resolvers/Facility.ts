import type { FacilityResolvers } from '../generated/graphql';
import { optionalNumber, optionalString, stringProp } from '../db/models';
import { STATUS } from './enums';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField, impactField } from './traversal';
import { firstRelated, relatedEntities, relationsOf } from './helpers';

export const Facility: FacilityResolvers = {
  ...entityFields,
  kind: (p) => stringProp(p.props, 'kind'),
  status: (p) => STATUS.decode(p.props.status, 'PLANNED'),
  statusNote: (p) => optionalString(p.props.statusNote),
  startYear: (p) => optionalNumber(p.props.startYear),
  endYear: (p) => optionalNumber(p.props.endYear),
  capacity: (p) =>
    typeof p.props.capacityValue === 'number' ? { value: p.props.capacityValue, unit: optionalString(p.props.capacityUnit) ?? '' } : null,
  stage: (p, _a, ctx) => firstRelated(ctx, 'stages', p.id),
  stages: (p, _a, ctx) => relatedEntities(ctx, 'stages', p.id),
  operator: (p, _a, ctx) => firstRelated(ctx, 'operatedBy', p.id),
  operators: (p, _a, ctx) => relatedEntities(ctx, 'operatedBy', p.id),
  participants: (p, _a, ctx) => relatedEntities(ctx, 'participants', p.id),
  region: (p, _a, ctx) => firstRelated(ctx, 'locatedIn', p.id),
  inputs: (p, _a, ctx) => relationsOf(ctx, 'feedsIn', p.id),
  outputs: (p, _a, ctx) => relationsOf(ctx, 'feedsOut', p.id),
  products: (p, _a, ctx) => relationsOf(ctx, 'produces', p.id),
  consumes: (p, _a, ctx) => relatedEntities(ctx, 'consumes', p.id),
  partOf: (p, _a, ctx) => relatedEntities(ctx, 'partOf', p.id),
  parts: (p, _a, ctx) => relatedEntities(ctx, 'parts', p.id),
  dependents: dependentsField,
  dependencies: dependenciesField,
  impact: impactField,
};
