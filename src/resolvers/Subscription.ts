import type { Context } from '../context';
import { changeCursorPosition, type ChangeAction, type ChangeRecord } from '../db/audit';
import type { ImpactRecord } from '../db/models';
import { lookupId } from '../domain/records';
import { ServiceUnavailableError } from '../errors';
import type { SubscriptionEntityArgs, SubscriptionImpactChangedArgs, SubscriptionResolvers } from '../generated/graphql';
import type { LiveSession } from '../live/streams';
import { changeStream, touchStream } from '../live/streams';
import { checkImpactArguments, impact } from './traversal';

/**
 * Live updates from the audit trail (live/). `subscribe` runs once with the connection's context;
 * `resolve` runs for every event with a fresh one (live/execution.ts), so each answer reads the graph
 * as it is then.
 */

function liveOf(ctx: Context): LiveSession {
  // Subscriptions arrive only through the WebSocket and SSE transports, which give every context one.
  if (!ctx.live) throw new ServiceUnavailableError();
  return ctx.live;
}

/** The entities whose changes make `impactChanged` answer again: updated by each answer. */
interface ImpactWatch {
  ids: ReadonlySet<string>;
}

export const Subscription: SubscriptionResolvers = {
  changes: {
    subscribe: (_p, { entity, kinds, after }, ctx) =>
      changeStream(
        liveOf(ctx),
        { since: null, entity: entity == null ? null : lookupId(entity, 'entity'), actions: kinds == null ? null : ([...new Set(kinds)] as ChangeAction[]) },
        after == null ? null : changeCursorPosition(after, 'after'),
      ),
    resolve: (change: ChangeRecord) => change,
  },
  entity: {
    subscribe: (_p, { id }, ctx) => {
      const watched = new Set([lookupId(id, 'id')]);
      return touchStream(liveOf(ctx), () => watched, true);
    },
    resolve: async (_touched: true, { id }: SubscriptionEntityArgs, ctx: Context) => {
      const node = await ctx.loaders.node.load(id);
      return node?.__typename === 'Entity' ? node : null;
    },
  },
  impactChanged: {
    subscribe: async (_p, args, ctx) => {
      const watch: ImpactWatch = { ids: new Set(args.of.map((id) => lookupId(id, 'of'))) };
      // Checked before anything is streamed: bad arguments fail the subscription, not each answer.
      await checkImpactArguments(ctx, args.of, args.asOf, args.maxHops);
      return touchStream(liveOf(ctx), () => watch.ids, watch);
    },
    resolve: async (watch: ImpactWatch, args: SubscriptionImpactChangedArgs, ctx: Context): Promise<ImpactRecord> => {
      const answer = await impact(ctx, args.of, args.asOf, args.maxHops);
      watch.ids = new Set([...args.of, ...answer.disrupted.map((d) => d.id), ...answer.affected.map((a) => a.entity.id)]);
      return answer;
    },
  },
};
