import type { Context } from '../context';
import { capacityReport } from '../db/capacity';
import { BadUserInputError, NotFoundError } from '../errors';
import { lookupId } from '../domain/records';
import type { CapacityItemResolvers, QueryResolvers } from '../generated/graphql';
import { commodityArgument, sourcesOf } from './helpers';

/** A stage or product argument: a well-formed id of an entity of that kind, or NOT_FOUND. */
async function entityOfKind(ctx: Context, id: string, argument: string, kind: 'STAGE' | 'PRODUCT'): Promise<string> {
  const node = await ctx.loaders.node.load(lookupId(id, argument));
  if (!node || node.__typename !== 'Entity' || node.kind !== kind) throw new NotFoundError(kind === 'STAGE' ? 'Supply-chain stage' : 'Product', id);
  return id;
}

export const capacityQuery: Pick<QueryResolvers, 'capacity'> = {
  capacity: async (_p, args, ctx) => {
    if (args.stage == null && args.product == null && args.commodity == null) throw new BadUserInputError('Give a "stage", a "commodity", a "product", or several', 'stage');
    if (args.asOf != null && (!Number.isInteger(args.asOf) || args.asOf < 1800 || args.asOf > 2100)) {
      throw new BadUserInputError(`"asOf" must be a calendar year between 1800 and 2100; got ${args.asOf}`, 'asOf');
    }
    const [stage, product] = await Promise.all([
      args.stage == null ? null : entityOfKind(ctx, args.stage, 'stage', 'STAGE'),
      args.product == null ? null : entityOfKind(ctx, args.product, 'product', 'PRODUCT'),
    ]);
    const commodity = args.commodity == null ? null : commodityArgument(args.commodity);
    return capacityReport(ctx.db, { stage, commodity, product, groupBy: args.groupBy ?? 'COUNTRY', asOf: args.asOf ?? null });
  },
};

export const CapacityItem: CapacityItemResolvers = {
  sources: (item, _a, ctx) => sourcesOf(ctx, item.sourceIds),
};
