import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import { Neo4jError } from 'neo4j-driver';

/** The stable `extensions.code` values clients may rely on. */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Timeout = 'TIMEOUT',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

function withCode(code: ErrorCode, options: GraphQLErrorOptions = {}): GraphQLErrorOptions {
  return { ...options, extensions: { ...options.extensions, code } };
}

/** The request asked for something malformed or out of bounds; `argument` names the culprit. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, argument?: string) {
    super(message, withCode(ErrorCode.BadUserInput, argument ? { extensions: { argument } } : {}));
  }
}

/** One thing wrong with an input: the field (a dotted path such as `input.startYear`) and why. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * An input failed validation. The message lists every problem; `extensions.field` names the first field
 * and `extensions.problems` lists them all, so a form can mark each field.
 */
export class InvalidInputError extends GraphQLError {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(
      problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      withCode(ErrorCode.BadUserInput, { extensions: { field: problems[0]?.field ?? null, problems: problems.map((p) => ({ ...p })) } }),
    );
  }
}

/** Something the client said must exist does not. */
export class NotFoundError extends GraphQLError {
  constructor(what: string, id: string) {
    super(`${what} "${id}" does not exist`, withCode(ErrorCode.NotFound, { extensions: { id } }));
  }
}

/** The database took longer than the request's time budget. */
export class TimeoutError extends GraphQLError {
  constructor() {
    super('The query took longer than the server allows; narrow it (fewer hops, a smaller page)', withCode(ErrorCode.Timeout));
  }
}

/** The database cannot be reached right now; retrying later may succeed. */
export class ServiceUnavailableError extends GraphQLError {
  constructor() {
    super('The graph database is unavailable; try again shortly', withCode(ErrorCode.ServiceUnavailable));
  }
}

const TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  'Neo.TransientError.Transaction.LockClientStopped',
]);
const UNAVAILABLE_CODES = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);

/**
 * Maps a Neo4j driver error to the client-facing error, by `code` (never by message).
 * Returns the original error when it is not a known Neo4j condition, so it is masked as internal.
 */
export function mapDatabaseError(error: unknown): unknown {
  if (!(error instanceof Neo4jError)) return error;
  if (TIMEOUT_CODES.has(error.code)) return new TimeoutError();
  if (UNAVAILABLE_CODES.has(error.code)) return new ServiceUnavailableError();
  return error;
}
