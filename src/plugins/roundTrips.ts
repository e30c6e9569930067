import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/**
 * Reports the database round trips a request needed in the `x-db-round-trips` response header, so
 * clients and benchmarks can see the cost of a query shape (batching keeps it to one per level).
 */
export function roundTripsHeaderPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set('x-db-round-trips', String(contextValue.db.roundTrips));
        },
      };
    },
  };
}
