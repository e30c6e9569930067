import type { FacilityResolvers } from '../generated/graphql';
import { STATUS } from './enums';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField, impactField } from './traversal';
import { firstRelated, relatedOfKind, relationsOf } from './helpers';
import { stringList } from '../db/models';

export const Facility: FacilityResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  status: (p) => STATUS.decode(p.data.status, 'PLANNED'),
  statusNote: (p) => p.data.statusNote ?? null,
  startYear: (p) => p.data.startYear ?? null,
  fullCapacityYear: (p) => p.data.fullCapacityYear ?? null,
  endYear: (p) => p.data.endYear ?? null,
  capacity: (p) => (p.data.capacity ? { value: p.data.capacity.value, unit: p.data.capacity.unit } : null),
  stage: (p, _a, ctx) => firstRelated(ctx, 'stages', p, 'STAGE'),
  stages: (p, _a, ctx) => relatedOfKind(ctx, 'stages', p, 'STAGE'),
  commodities: async (p, _a, ctx) => [...new Set((await relationsOf(ctx, 'stages', p)).flatMap((r) => stringList(r.props.commodities)))],
  operator: (p, _a, ctx) => firstRelated(ctx, 'operatedBy', p, 'COMPANY'),
  operators: (p, _a, ctx) => relatedOfKind(ctx, 'operatedBy', p, 'COMPANY'),
  participants: (p, _a, ctx) => relatedOfKind(ctx, 'participants', p, 'COMPANY'),
  region: (p, _a, ctx) => firstRelated(ctx, 'locatedIn', p, 'REGION'),
  inputs: (p, _a, ctx) => relationsOf(ctx, 'feedsIn', p),
  outputs: (p, _a, ctx) => relationsOf(ctx, 'feedsOut', p),
  products: (p, _a, ctx) => relationsOf(ctx, 'produces', p),
  consumes: (p, _a, ctx) => relatedOfKind(ctx, 'consumes', p, 'PRODUCT'),
  partOf: (p, _a, ctx) => relatedOfKind(ctx, 'partOf', p, 'FACILITY'),
  parts: (p, _a, ctx) => relatedOfKind(ctx, 'parts', p, 'FACILITY'),
  dependents: dependentsField,
  dependencies: dependenciesField,
  impact: impactField,
};
