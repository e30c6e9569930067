import type { SupplyChainStageResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { firstRelated, relatedPage, relationsOf } from './helpers';
import { stringList } from '../db/models';
import { COMMODITIES, isCommodity } from '../domain/materials';
import { BadUserInputError } from '../errors';

/** A `commodity` argument: one of the families the graph names (BAD_USER_INPUT listing them otherwise). */
export function commodityArgument(value: string, argument = 'commodity'): string {
  if (!isCommodity(value)) throw new BadUserInputError(`"${argument}" must be one of ${COMMODITIES.join(', ')} (got "${value.slice(0, 50)}")`, argument);
  return value;
}

export const SupplyChainStage: SupplyChainStageResolvers = {
  ...entityFields,
  order: (p) => p.data.order,
  next: (p, _a, ctx) => firstRelated(ctx, 'nextStage', p.id, 'STAGE'),
  previous: (p, _a, ctx) => firstRelated(ctx, 'previousStage', p.id, 'STAGE'),
  facilities: async (p, a, ctx) => {
    if (a.commodity == null) return relatedPage(ctx, 'atStage', p.id, a);
    const commodity = commodityArgument(a.commodity);
    const working = new Set((await relationsOf(ctx, 'atStage', p.id)).filter((r) => stringList(r.props.commodities).includes(commodity)).map((r) => r.from.id));
    return relatedPage(ctx, 'atStage', p.id, a, (e) => working.has(e.id));
  },
  shares: (p, _a, ctx) => relationsOf(ctx, 'sharesOfStage', p.id),
};
