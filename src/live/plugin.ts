import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import type { AuditFollower } from './follower';

/**
 * After a request of this instance wrote, the follower reads the audit trail at once instead of at its
 * next tick: this instance's subscribers see its writes without the polling delay (other instances'
 * writes arrive within SUBSCRIPTION_POLL_MS).
 */
export function nudgeAfterWrites(follower: AuditFollower): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          if (contextValue.db.wrote) follower.nudge();
        },
      };
    },
  };
}
