import type { SupplyChainStageResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { firstRelated, relatedPage, relationsOf } from './helpers';

export const SupplyChainStage: SupplyChainStageResolvers = {
  ...entityFields,
  order: (p) => p.data.order,
  next: (p, _a, ctx) => firstRelated(ctx, 'nextStage', p.id, 'STAGE'),
  previous: (p, _a, ctx) => firstRelated(ctx, 'previousStage', p.id, 'STAGE'),
  facilities: (p, a, ctx) => relatedPage(ctx, 'atStage', p.id, a),
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfStage', p.id),
};
