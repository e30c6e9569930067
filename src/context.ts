import neo4j, { type Driver } from 'neo4j-driver';
import { ANONYMOUS, type Caller } from './auth';
import { Executor, type StatementObserver } from './db/executor';
import type { DatabaseHealth } from './db/health';
import { ProfilingExecutor } from './db/profiling';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import type { LiveSession } from './live/streams';

/** What every resolver receives: built fresh for each request, so loader caches never leak across requests. */
export interface Context {
  readonly requestId: string;
  /** Who is calling (never a secret). */
  readonly caller: Caller;
  /** Who the request counts against for per-client budgets: `caller:<name>` or `address:<ip>`. */
  readonly client: string;
  readonly log: Logger;
  readonly db: Executor;
  readonly loaders: Loaders;
  /** Largest number of records one `importRecords` accepts. */
  readonly maxImportRecords: number;
  /** Root fields fold their selection into one statement (src/compiler); false loads every level through the loaders. */
  readonly fold: boolean;
  /** The subscription transports' session of this connection (live/); absent on HTTP. */
  readonly live?: LiveSession;
}

export interface ContextDeps {
  readonly driver: Driver;
  readonly database: string;
  readonly queryTimeoutMs: number;
  readonly log: Logger;
  /** Profile every statement (benchmarks): the context's `db` is a `ProfilingExecutor`. */
  readonly profile?: boolean;
  /** Deadline of a whole request, in ms; the transactions of the request share it. */
  readonly requestTimeoutMs?: number;
  /** Largest number of records one `importRecords` accepts (default 5,000). */
  readonly maxImportRecords?: number;
  /** Use the request compiler (default true; tests compare answers without it). */
  readonly fold?: boolean;
  /** Observes every statement (metrics, traces). */
  readonly observer?: StatementObserver;
  /** Whether the database is known to be down (requests then fail fast). */
  readonly health?: DatabaseHealth;
}

export interface RequestInfo {
  readonly requestId: string;
  readonly operationName?: string;
  readonly caller?: Caller;
  readonly client?: string;
  /** Bookmarks the client sent back (`x-neo4j-bookmark`): the request reads at least what they wrote. */
  readonly bookmarks?: readonly string[];
  /** A subscription's connection (live/). */
  readonly live?: LiveSession;
  /**
   * The request's reads share one read transaction, which whoever serves the request ends with
   * `db.endReads()` once the answer is ready (requestTransactionPlugin does for HTTP requests).
   */
  readonly shareReads?: boolean;
}

const DEFAULT_MAX_IMPORT_RECORDS = 5_000;

export function createContext(deps: ContextDeps, request: RequestInfo | string): Context {
  const { requestId, operationName, caller = ANONYMOUS, client = 'local', bookmarks = [], live, shareReads = false } = typeof request === 'string' ? { requestId: request } : request;
  const log = deps.log.child({ requestId, ...(caller.name ? { caller: caller.name } : {}) });
  const options = {
    driver: deps.driver,
    database: deps.database,
    timeoutMs: deps.queryTimeoutMs,
    log,
    requestId,
    ...(operationName ? { operationName } : {}),
    ...(deps.observer ? { observer: deps.observer } : {}),
    ...(deps.health ? { health: deps.health } : {}),
    shareReads,
    // One bookmark manager per request: every transaction of the request reads what the ones before it
    // (and the client's earlier requests, through the bookmarks it sent back) wrote.
    bookmarkManager: neo4j.bookmarkManager({ initialBookmarks: [...bookmarks] }),
    ...(deps.requestTimeoutMs ? { deadline: Date.now() + deps.requestTimeoutMs } : {}),
  };
  const db = deps.profile ? new ProfilingExecutor(options) : new Executor(options);
  return {
    requestId,
    caller,
    client,
    log,
    db,
    loaders: createLoaders(db),
    maxImportRecords: deps.maxImportRecords ?? DEFAULT_MAX_IMPORT_RECORDS,
    fold: deps.fold ?? true,
    ...(live ? { live } : {}),
  };
}
