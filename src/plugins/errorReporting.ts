import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';
import { AppError, ErrorCode } from '../errors';
import { fieldOf } from '../domain/guards';

/** The application's error behind a GraphQL error (a resolver's throw), if it is one. */
function appErrorOf(error: unknown): AppError | undefined {
  const original = unwrapResolverError(error);
  return original instanceof AppError ? original : undefined;
}

/** The code an error reaches the client with: the application's, or the one GraphQL/Apollo set. */
function codeOf(error: GraphQLError): unknown {
  return appErrorOf(error)?.code ?? error.extensions.code;
}

/** True for errors whose message is not meant for clients: anything without a code we or Apollo chose. */
function isUnexpected(code: unknown): boolean {
  return code === undefined || code === ErrorCode.InternalServerError;
}

/**
 * A few of Apollo's own request errors carry an HTTP 4xx status but no code (an APQ hash that does not
 * match its query): they are the client's fault, not ours, so they keep their message under Apollo's
 * `BAD_REQUEST` code. Errors raised in resolvers always have a path and are never treated this way.
 */
function isApolloRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.path !== undefined) return false;
  const status = fieldOf(error.extensions.http, 'status');
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * `formatError` for Apollo, the one place errors become what clients see: the application's errors
 * (errors.ts) get their code and details as `extensions`; GraphQL's and Apollo's own coded errors pass
 * through without stack traces; anything else becomes a bare INTERNAL_SERVER_ERROR, never showing
 * Cypher or a stack.
 */
export function maskUnexpectedErrors(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const app = appErrorOf(error);
  if (app) return { ...formatted, message: app.message, extensions: { code: app.code, ...app.details } };
  const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
  if (!isUnexpected(extensions.code)) return { ...formatted, extensions };
  if (isApolloRequestError(error)) return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.InternalServerError },
  };
}

/**
 * `maskUnexpectedErrors` for results sent outside Apollo (the subscription transports), logging the
 * unexpected ones as the plugin below does and giving them the request id.
 */
export function formatErrorsFor(context: Pick<Context, 'log' | 'requestId'>, errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    const unexpected = isUnexpected(codeOf(error));
    if (unexpected) context.log.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error');
    const formatted = maskUnexpectedErrors(error.toJSON(), error);
    return unexpected ? { ...formatted, extensions: { ...formatted.extensions, requestId: context.requestId } } : formatted;
  });
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
            if (isUnexpected(codeOf(error)) && !isApolloRequestError(error)) {
              contextValue.log.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors) return;
          result.errors = result.errors.map((error) =>
            error.extensions?.code === ErrorCode.InternalServerError ? { ...error, extensions: { ...error.extensions, requestId: contextValue.requestId } } : error,
          );
        },
      };
    },
  };
}
