import type { SupplyChainStageResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { commodityArgument, firstRelated, relatedPage, relationsOf } from './helpers';
import { stringList } from '../db/models';

export const SupplyChainStage: SupplyChainStageResolvers = {
  ...entityFields,
  order: (p) => p.data.order,
  next: (p, _a, ctx) => firstRelated(ctx, 'nextStage', p, 'STAGE'),
  previous: (p, _a, ctx) => firstRelated(ctx, 'previousStage', p, 'STAGE'),
  facilities: async (p, a, ctx) => {
    if (a.commodity == null) return relatedPage(ctx, 'atStage', p, a);
    const commodity = commodityArgument(a.commodity);
    const working = new Set((await relationsOf(ctx, 'atStage', p)).filter((r) => stringList(r.props.commodities).includes(commodity)).map((r) => r.from.id));
    return relatedPage(ctx, 'atStage', p, a, (e) => working.has(e.id));
  },
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfStage', p),
};
