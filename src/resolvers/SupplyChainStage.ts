import type { SupplyChainStageResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { commodityArgument, firstRelated, relatedPage, relationsOf } from './helpers';

export const SupplyChainStage: SupplyChainStageResolvers = {
  ...entityFields,
  order: (p) => p.data.order,
  next: (p, _a, ctx) => firstRelated(ctx, 'nextStage', p, 'STAGE'),
  previous: (p, _a, ctx) => firstRelated(ctx, 'previousStage', p, 'STAGE'),
  facilities: (p, a, ctx) => relatedPage(ctx, 'atStage', p, a, a.commodity == null ? undefined : { name: 'commodity', value: commodityArgument(a.commodity) }),
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfStage', p),
};
