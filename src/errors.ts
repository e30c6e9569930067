import { Neo4jError } from 'neo4j-driver';

/**
 * The errors of the application, as plain classes that know nothing of GraphQL: the db layer, the
 * domain and the resolvers throw them, and `plugins/errorReporting.ts` maps them to GraphQL errors
 * (`extensions.code` plus their details) in one place.
 */

/** The stable `extensions.code` values clients may rely on. */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Timeout = 'TIMEOUT',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** Answering needed more memory than the database lets a transaction use. */
  ResourceLimit = 'RESOURCE_LIMIT',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  /** Over a per-client budget (request rate or concurrent cost): HTTP 429 with Retry-After. */
  RateLimited = 'RATE_LIMITED',
  /** A subscriber let more changes wait than the server buffers (SUBSCRIPTION_BUFFER): its connection is closed. */
  SlowConsumer = 'SLOW_CONSUMER',
  /** The request is not one this endpoint serves (for example a query sent over a subscription transport). */
  BadRequest = 'BAD_REQUEST',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

/** An error whose message is meant for the client, with its code and details (`extensions` besides `code`). */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The request asked for something malformed or out of bounds; `argument` names the culprit. */
export class BadUserInputError extends AppError {
  readonly code = ErrorCode.BadUserInput;
  constructor(message: string, argument?: string) {
    super(message, argument ? { argument } : {});
  }
}

/** One thing wrong with an input: the field (a dotted path such as `input.startYear`) and why. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * An input failed validation. The message lists every problem; `field` names the first field and
 * `problems` lists them all, so a form can mark each field.
 */
export class InvalidInputError extends AppError {
  readonly code = ErrorCode.BadUserInput;
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
      field: problems[0]?.field ?? null,
      problems: problems.map((p) => ({ ...p })),
    });
  }
}

/** Something the client said must exist does not. */
export class NotFoundError extends AppError {
  readonly code = ErrorCode.NotFound;
  constructor(what: string, id: string) {
    super(`${what} "${id}" does not exist`, { id });
  }
}

/** The database took longer than the request's time budget. */
export class TimeoutError extends AppError {
  readonly code = ErrorCode.Timeout;
  constructor() {
    super('The query took longer than the server allows; narrow it (fewer hops, a smaller page)');
  }
}

/**
 * Answering needed more memory than the database lets a transaction use (`db.memory.transaction.max`,
 * or all transactions together: Neo4j's error does not say which). The same request would need as
 * much again, so it is not sent again.
 */
export class ResourceLimitError extends AppError {
  readonly code = ErrorCode.ResourceLimit;
  constructor() {
    super('The query needed more memory than the database allows a transaction; narrow it (fewer hops, a smaller page, no path)', {
      limit: 'transactionMemory',
    });
  }
}

/** The database cannot be reached right now; retrying later may succeed. */
export class ServiceUnavailableError extends AppError {
  readonly code = ErrorCode.ServiceUnavailable;
  constructor() {
    super('The graph database is unavailable; try again shortly');
  }
}

/** A subscriber did not keep up: more than `limit` changes waited to be sent to it. */
export class SlowConsumerError extends AppError {
  readonly code = ErrorCode.SlowConsumer;
  constructor(limit: number) {
    super(`Slow consumer: more than ${limit} changes waited to be sent; resubscribe with the last cursor received`, { limit });
  }
}

/** Over a per-connection or per-client limit of the subscription transports. */
export class LimitExceededError extends AppError {
  readonly code = ErrorCode.RateLimited;
  constructor(message: string, limit: string, max: number) {
    super(message, { limit, max });
  }
}

/** A request this endpoint does not serve. */
export class BadRequestError extends AppError {
  readonly code = ErrorCode.BadRequest;
}

/**
 * A row from the database does not have the shape its statement's decoder expects: stored data that
 * breaks the model, or a statement that returns something else than it says. Never the client's fault.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly query: string,
    readonly problem: string,
  ) {
    super(`${query}: a row does not match its decoder: ${problem}`);
  }
}

const TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  'Neo.TransientError.Transaction.LockClientStopped',
]);
const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
  // A bookmark the member has not caught up with in time (a lagging cluster member).
  'Neo.TransientError.Transaction.BookmarkTimeout',
]);
/** A transaction over the memory the database allows it (Neo4j calls it transient, as other transactions may free memory). */
export const MEMORY_LIMIT_CODE = 'Neo.TransientError.General.MemoryPoolOutOfMemoryError';
/** Bookmarks a client sent back that the database does not recognise. */
const BAD_BOOKMARK_CODES = new Set(['Neo.ClientError.Transaction.InvalidBookmark', 'Neo.ClientError.Transaction.InvalidBookmarkMixture']);

/**
 * Maps a Neo4j driver error to the application's error, by `code` (never by message).
 * Returns the original error when it is not a known Neo4j condition, so it is masked as internal.
 */
export function mapDatabaseError(error: unknown): unknown {
  if (!(error instanceof Neo4jError)) return error;
  if (TIMEOUT_CODES.has(error.code)) return new TimeoutError();
  if (UNAVAILABLE_CODES.has(error.code)) return new ServiceUnavailableError();
  if (error.code === MEMORY_LIMIT_CODE) return new ResourceLimitError();
  if (BAD_BOOKMARK_CODES.has(error.code)) return new BadUserInputError('The x-neo4j-bookmark header holds a bookmark this database does not know');
  return error;
}
