import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import { ErrorCode } from '../errors';

/** True for errors whose message is not meant for clients: anything without a code we or Apollo chose. */
function isUnexpected(code: unknown): boolean {
  return code === undefined || code === ErrorCode.InternalServerError;
}

/**
 * `formatError` for Apollo: expected errors (ours, and Apollo's parse/validation codes) pass through
 * without stack traces; anything else becomes a bare INTERNAL_SERVER_ERROR, never showing Cypher or a stack.
 */
export function maskUnexpectedErrors(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
  if (!isUnexpected(extensions.code)) return { ...formatted, extensions };
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.InternalServerError },
  };
}

/**
 * Logs unexpected errors in full with the request id, and gives masked errors that request id so a
 * client's report can be matched to the log line.
 */
export function errorReportingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isUnexpected(error.extensions?.code)) {
              contextValue.log.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === ErrorCode.InternalServerError) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}
