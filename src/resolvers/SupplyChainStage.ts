import type { SupplyChainStageResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { firstRelated, relatedEntities, relationsOf } from './helpers';

export const SupplyChainStage: SupplyChainStageResolvers = {
  ...entityFields,
  order: (p) => Number(p.props.order),
  next: (p, _a, ctx) => firstRelated(ctx, 'nextStage', p.id),
  previous: (p, _a, ctx) => firstRelated(ctx, 'previousStage', p.id),
  facilities: (p, _a, ctx) => relatedEntities(ctx, 'atStage', p.id),
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfStage', p.id),
};
