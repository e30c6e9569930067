import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/**
 * Ends a request's read transaction once its answer is ready: the reads of one GraphQL request after its
 * first share one transaction (`shareReads`, src/db/executor.ts), which commits here, in the background.
 * Operations of a batch share their context: the first to finish commits the transaction, after the
 * statements already in it, and the reads of the others that follow begin a new one (cluster.int.test.ts).
 */
export function requestTransactionPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          contextValue.db.endReads();
        },
      };
    },
  };
}
