import neo4j, { EagerResult, type BookmarkManager, type Driver, type ManagedTransaction, type QueryResult, type Record as Neo4jRecord, type Session, type Transaction } from 'neo4j-driver';
import { errorCode } from '../domain/guards';
import { DecodeError, MEMORY_LIMIT_CODE, ServiceUnavailableError, TimeoutError, mapDatabaseError } from '../errors';
import type { DatabaseHealth } from './health';
import pino from 'pino';
import type { Logger } from '../logger';

/** A Cypher statement with a name for logs and transaction metadata. The text never contains user input. */
export interface NamedQuery {
  readonly name: string;
  readonly cypher: string;
}

/** Turns one result row into the model the caller works with, or throws (a zod schema is one). */
export interface RowDecoder<Row> {
  parse(row: unknown): Row;
}

/** A statement whose rows the caller reads: each row is decoded at the boundary, never cast. */
export interface Query<Row> extends NamedQuery {
  readonly row: RowDecoder<Row>;
}

export interface ExecutorOptions {
  readonly driver: Driver;
  readonly database: string;
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Named in the transaction metadata so `SHOW TRANSACTIONS` tells which request runs what. */
  readonly requestId?: string;
  readonly operationName?: string;
  /** Epoch ms by which the whole request must be done; each transaction gets what is left (at most `timeoutMs`). */
  readonly deadline?: number;
  /**
   * Carries the bookmarks of every transaction to the next one, so each reads what the ones before it
   * wrote, on any cluster member. A request has its own (started from the bookmarks its client sent
   * back); without one, the driver's shared manager is used.
   */
  readonly bookmarkManager?: BookmarkManager;
  /** Observes every statement and transaction (metrics, traces). */
  readonly observer?: StatementObserver;
  /** While the database is known to be down, statements fail at once; an unreachable one makes it check. */
  readonly health?: DatabaseHealth;
  /**
   * Run the reads in one read transaction, committed by `endReads` (a GraphQL request:
   * src/plugins/requestTransaction.ts), instead of each in its own. The first read runs alone, in an
   * auto-commit transaction: most requests need no other, as the compiler folds them into one statement,
   * and for those an explicit transaction would only add its BEGIN and COMMIT (10 % of the throughput of
   * a lookup, measured). The second read begins the shared one. A write ends it: the reads after a write
   * begin a new one, from the write's bookmark.
   */
  readonly shareReads?: boolean;
}

export type Access = 'READ' | 'WRITE';

/** What an observer is told of one statement, or of one transaction with all its statements. */
export interface ObservedStatement {
  readonly name: string;
  readonly access: Access;
  readonly requestId: string | undefined;
  readonly operationName: string | undefined;
}

/** Wraps every statement and transaction an executor runs: `work` is the statement; its result is returned. */
export interface StatementObserver {
  observe<T>(statement: ObservedStatement, work: () => Promise<T>): Promise<T>;
}

/**
 * How long past a transaction's timeout the server waits for Neo4j before answering TIMEOUT itself.
 * Neo4j enforces the timeout (and its error says so) unless it cannot run at all: frozen in a long GC
 * pause, stopped, or behind a network partition. Then nothing would ever answer; this bounds the wait.
 */
const DEADLINE_GRACE_MS = 500;

/** The server's own deadline expired: Neo4j did not answer at all, not even with its timeout error. */
class UnansweredError extends TimeoutError {}

/**
 * Statements and transactions the server stopped waiting for (their deadline passed without an answer)
 * that still hold a connection. They settle when Neo4j answers, or when the driver drops the connection
 * (the receive timeout Neo4j's keep-alive hint sets): then their session is closed and the count drops.
 */
let abandoned = 0;

/** How many statements the server stopped waiting for still hold a connection (see `withinDeadline`). */
export function abandonedStatements(): number {
  return abandoned;
}

/** `work`, or a TimeoutError once `ms` have passed; a late result or error of `work` is dropped. */
function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      abandoned++;
      void work.then(
        () => abandoned--,
        () => abandoned--,
      );
      reject(new UnansweredError());
    }, ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Whether a failed read is sent again: the driver's retryable errors (a connection cut, a reader going
 * away), but not a transaction over its memory, which the driver counts as transient: the same
 * statement needs as much memory again (on the 1M graph, 2-3 s of work each time).
 */
const worthRetrying = (error: unknown): boolean => neo4j.isRetryableError(error) && errorCode(error) !== MEMORY_LIMIT_CODE;

/** Attempts of a read that fails with a retryable error, and the pause before the next (times the attempt). */
const READ_ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/**
 * Every Cypher call of the application goes through an Executor: the request's reads and writes, the
 * start-up seed, imports, exports, the content hash and the readiness probe. It gives each transaction
 * a timeout (what is left of the request's deadline), metadata naming the request, a debug log, errors
 * mapped by code, decoded rows, and a count of round trips. Single reads are auto-commit transactions,
 * sent again on a retryable error (or, in a GraphQL request, from its second read on, statements of its
 * one read transaction: `shareReads`); writes and `readTransaction`/`writeTransaction` are managed
 * transactions, retried by the driver. Either way the work may run twice, so it must be idempotent.
 */
export class Executor {
  /** Database round trips made through this executor (one per statement). */
  roundTrips = 0;
  /** True once a write statement or transaction has committed through this executor. */
  wrote = false;
  private readonly bookmarkManager: BookmarkManager;
  /** The read transaction the reads share (`shareReads`), once the first has begun it. */
  private sharedRead: SharedRead | undefined;
  /** Reads sent so far (`shareReads`: the first runs alone). */
  private readsSent = 0;

  constructor(protected readonly options: ExecutorOptions) {
    this.bookmarkManager = options.bookmarkManager ?? options.driver.executeQueryBookmarkManager;
  }

  /** The bookmarks after the last transaction: a client sends them back to read its own writes. */
  async bookmarks(): Promise<string[]> {
    return [...(await this.bookmarkManager.getBookmarks())];
  }

  /** Runs a read statement in its own transaction and decodes its rows. */
  async read<Row>(query: Query<Row>, params: Record<string, unknown> = {}): Promise<Row[]> {
    return decodeRows(query, await this.run(query, params, neo4j.routing.READ));
  }

  /** Runs a write statement in its own transaction and decodes its rows. */
  async write<Row>(query: Query<Row>, params: Record<string, unknown> = {}): Promise<Row[]> {
    return decodeRows(query, await this.run(query, params, neo4j.routing.WRITE));
  }

  /** Runs a write statement whose rows nobody reads (schema commands). */
  async execute(query: NamedQuery, params: Record<string, unknown> = {}): Promise<void> {
    await this.run(query, params, neo4j.routing.WRITE);
  }

  /**
   * Runs `work` in ONE managed write transaction: every statement it runs commits together or not at all
   * (an error thrown by `work`, ours or the database's, rolls everything back). The driver retries the
   * whole function on transient errors, so `work` must not have side effects outside the transaction.
   */
  writeTransaction<R>(name: string, work: (tx: TransactionRunner) => Promise<R>): Promise<R> {
    return this.transaction(name, neo4j.session.WRITE, work);
  }

  /** Runs `work` in ONE managed read transaction (a consistent view across its statements). */
  readTransaction<R>(name: string, work: (tx: TransactionRunner) => Promise<R>): Promise<R> {
    return this.transaction(name, neo4j.session.READ, work);
  }

  /**
   * Sends one statement; a subclass may observe or rewrite it (see `ProfilingExecutor`). A read runs as
   * an auto-commit transaction or in the request's shared read transaction (`shareReads`): either way
   * RUN and PULL go in one network round trip, where a managed transaction needs a second for COMMIT
   * (the shared one commits after the answer). The driver retries neither, so a read failing with a
   * retryable error (a reader going away, a leader switch) is sent again, as a managed transaction
   * would be, while the deadline lasts. A write is a managed transaction (retried by the driver), and
   * ends the shared read transaction first: the reads after it begin a new one, from its bookmark.
   */
  protected async send(query: NamedQuery, params: Record<string, unknown>, routing: Access, timeoutMs: number): Promise<EagerResult> {
    if (routing === 'WRITE') {
      const { driver, database } = this.options;
      this.endReads();
      const transactionConfig = { timeout: timeoutMs, metadata: this.metadata(query.name) };
      const result = await driver.executeQuery(query.cypher, params, { database, routing, bookmarkManager: this.bookmarkManager, transactionConfig });
      this.wrote = true;
      return result;
    }
    // A request's first read runs alone: most need no other (the compiler folds them into one statement).
    return this.options.shareReads && this.readsSent++ > 0 ? this.sendShared(query, params) : this.sendAutoCommit(query, params, timeoutMs);
  }

  /** A read in an auto-commit transaction of its own, sent again on a retryable error. */
  private async sendAutoCommit(query: NamedQuery, params: Record<string, unknown>, timeoutMs: number): Promise<EagerResult> {
    const { driver, database } = this.options;
    const config = { timeout: timeoutMs, metadata: this.metadata(query.name) };
    const { bookmarkManager } = this;
    for (let attempt = 1; ; attempt++) {
      const session = driver.session({ database, defaultAccessMode: neo4j.session.READ, bookmarkManager });
      try {
        const result = await withoutStackTrace(() => session.run(query.cypher, params, config));
        return eager(result);
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !worthRetrying(error)) throw error;
        await this.pauseBeforeRetry(query, attempt, error);
        config.timeout = this.remainingMs();
      } finally {
        await session.close();
      }
    }
  }

  /**
   * Runs a read in the shared read transaction, beginning one if none is open. A statement that fails
   * ends the transaction (Neo4j rolls it back), and the statements in flight in it fail with the same
   * error. A retryable error sends the read again in a new transaction, as an auto-commit read is sent
   * again. An error of one statement (`Neo.ClientError.Statement.*`: an arithmetic or type error, say)
   * that struck while others were in flight sends each of them once more in a transaction of its own:
   * the one at fault fails again, the others answer. Anything else (a timeout, a terminated
   * transaction) fails them all.
   */
  private async sendShared(query: NamedQuery, params: Record<string, unknown>): Promise<EagerResult> {
    for (let attempt = 1; ; attempt++) {
      const shared = (this.sharedRead ??= this.beginRead());
      shared.running++;
      try {
        const result = await withoutStackTrace(() => shared.tx.run(query.cypher, params));
        return eager(result);
      } catch (error) {
        const first = !shared.failed;
        const alone = first && shared.running === 1;
        shared.failed = true;
        if (first) this.endShared(shared);
        if (attempt < READ_ATTEMPTS && worthRetrying(error)) {
          await this.pauseBeforeRetry(query, attempt, error);
          continue;
        }
        if (!alone && errorCode(error)?.startsWith('Neo.ClientError.Statement.')) return this.sendAutoCommit(query, params, this.remainingMs());
        throw error;
      } finally {
        shared.running--;
      }
    }
  }

  /** Logs a read about to be sent again, and waits before it (longer after each attempt). */
  private async pauseBeforeRetry(query: NamedQuery, attempt: number, error: unknown): Promise<void> {
    this.options.log.debug({ query: query.name, attempt, err: error }, 'read retried');
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
  }

  private beginRead(): SharedRead {
    const { driver, database } = this.options;
    const session = driver.session({ database, defaultAccessMode: neo4j.session.READ, bookmarkManager: this.bookmarkManager });
    // BEGIN goes out with the first statement, in the same round trip.
    const tx = session.beginTransaction({ timeout: this.remainingMs(), metadata: this.metadata('reads') });
    return { session, tx, failed: false, running: 0 };
  }

  /**
   * Ends the shared read transaction (`shareReads`), if one is open: it commits and its connection goes
   * back to the pool in the background, after the answer (a read-only commit has nothing to wait for).
   * The next read begins a new one.
   */
  endReads(): void {
    if (this.sharedRead) this.endShared(this.sharedRead);
  }

  private endShared(shared: SharedRead): void {
    if (shared === this.sharedRead) this.sharedRead = undefined;
    const { log } = this.options;
    // A failed transaction is already rolled back; closing its session is all that is left.
    const ended = shared.failed ? Promise.resolve() : shared.tx.commit();
    void ended
      .catch((error: unknown) => log.debug({ err: error }, 'shared read transaction did not commit'))
      .then(() => shared.session.close())
      .catch((error: unknown) => log.debug({ err: error }, 'session close failed'));
  }

  /** Fails at once while the database is known to be down (see DatabaseHealth). */
  private checkAvailable(): void {
    if (this.options.health && !this.options.health.available) throw new ServiceUnavailableError();
  }

  /**
   * The application's error for `error`. An unreachable database, or one that did not answer at all
   * before the deadline (a hung process), makes the health check look: if its probe fails too, the
   * requests that follow fail at once instead of each waiting for its whole deadline.
   */
  private mapped(error: unknown): unknown {
    const appError = mapDatabaseError(error);
    if (appError instanceof ServiceUnavailableError || appError instanceof UnansweredError) this.options.health?.suspect();
    return appError;
  }

  /** What is left of the request's deadline for the next transaction, at most `timeoutMs`. */
  private remainingMs(): number {
    const { deadline, timeoutMs } = this.options;
    const remaining = deadline === undefined ? timeoutMs : Math.min(timeoutMs, deadline - Date.now());
    if (remaining <= 0) throw new TimeoutError();
    return remaining;
  }

  private metadata(query: string): Record<string, string | null> {
    const { requestId, operationName } = this.options;
    return { app: 'critical-minerals-graph', query, requestId: requestId ?? null, operation: operationName ?? null };
  }

  /** `work`, observed as `name` when an observer is set. */
  private observed<T>(name: string, access: Access, work: () => Promise<T>): Promise<T> {
    const { observer, requestId, operationName } = this.options;
    return observer ? observer.observe({ name, access, requestId, operationName }, work) : work();
  }

  private async run(query: NamedQuery, params: Record<string, unknown>, routing: Access): Promise<Neo4jRecord[]> {
    this.checkAvailable();
    const timeoutMs = this.remainingMs();
    this.roundTrips++;
    const started = performance.now();
    try {
      const sent = this.observed(query.name, routing, () => this.send(query, params, routing, timeoutMs));
      const result = await withinDeadline(sent, timeoutMs + DEADLINE_GRACE_MS);
      this.options.log.debug({ query: query.name, params, ms: Math.round(performance.now() - started) }, 'cypher');
      return result.records;
    } catch (error) {
      this.options.log.debug({ query: query.name, err: error }, 'cypher failed');
      throw this.mapped(error);
    }
  }

  private async transaction<R>(name: string, mode: 'READ' | 'WRITE', work: (tx: TransactionRunner) => Promise<R>): Promise<R> {
    const { driver, database, log } = this.options;
    this.checkAvailable();
    if (mode === neo4j.session.WRITE) this.endReads();
    const timeout = this.remainingMs();
    const session = driver.session({ database, defaultAccessMode: mode, bookmarkManager: this.bookmarkManager });
    const inTransaction = (tx: ManagedTransaction) => work(new TransactionRunner(tx, this, log));
    const config = { timeout, metadata: this.metadata(name) };
    const running = this.observed(name, mode, () =>
      mode === neo4j.session.WRITE ? session.executeWrite(inTransaction, config) : session.executeRead(inTransaction, config),
    );
    try {
      const result = await withinDeadline(running, timeout + DEADLINE_GRACE_MS);
      if (mode === neo4j.session.WRITE) this.wrote = true;
      return result;
    } catch (error) {
      log.debug({ query: name, err: error }, 'transaction failed');
      throw this.mapped(error);
    } finally {
      // A session stuck on a database that does not answer is closed once it does, not awaited here.
      void running
        .then(
          () => session.close(),
          () => session.close(),
        )
        .catch((error: unknown) => log.debug({ query: name, err: error }, 'session close failed'));
    }
  }
}

/** A request's read transaction (`ExecutorOptions.shareReads`). */
interface SharedRead {
  readonly session: Session;
  readonly tx: Transaction;
  /** A statement in it failed: Neo4j rolled it back, and the statements after fail too. */
  failed: boolean;
  /** Statements sent in it and not yet answered. */
  running: number;
}

/** The statements of one managed transaction (see `Executor.writeTransaction` and `readTransaction`). */
export class TransactionRunner {
  constructor(
    private readonly tx: ManagedTransaction,
    private readonly executor: Executor,
    private readonly log: Logger,
  ) {}

  /** Runs a statement and decodes its rows. */
  async run<Row>(query: Query<Row>, params: Record<string, unknown> = {}): Promise<Row[]> {
    return decodeRows(query, await this.send(query, params));
  }

  /** Runs a statement whose rows nobody reads. */
  async execute(query: NamedQuery, params: Record<string, unknown> = {}): Promise<void> {
    await this.send(query, params);
  }

  private async send(query: NamedQuery, params: Record<string, unknown>): Promise<Neo4jRecord[]> {
    this.executor.roundTrips++;
    this.log.debug({ query: query.name }, 'cypher (in transaction)');
    return (await withoutStackTrace(() => this.tx.run(query.cypher, params))).records;
  }
}

/**
 * `create()` with V8 capturing no stack frames. neo4j-driver formats a stack trace for every result it
 * creates (`new Error().stack`: 2 % of the server's CPU under load), to put on the error should the
 * statement fail; ours name their statement instead (see `mapped`), so results are created without.
 */
function withoutStackTrace<T>(create: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A streamed result's records and summary, as `executeQuery` gives them. */
function eager(result: QueryResult): EagerResult {
  return new EagerResult([...(result.records[0]?.keys ?? [])].map(String), result.records, result.summary);
}

function decodeRows<Row>(query: Query<Row>, records: readonly Neo4jRecord[]): Row[] {
  return records.map((record) => {
    try {
      return query.row.parse(record.toObject());
    } catch (error) {
      throw new DecodeError(query.name, error instanceof Error ? error.message : String(error));
    }
  });
}

/**
 * An executor outside any request (start-up, command-line tools, benchmarks, tests): named `name` in
 * the transaction metadata, with a generous timeout and no deadline; silent unless given a logger.
 */
export function standaloneExecutor(driver: Driver, database: string, name: string, options: { timeoutMs?: number; log?: Logger } = {}): Executor {
  return new Executor({ driver, database, timeoutMs: options.timeoutMs ?? 30 * 60_000, log: options.log ?? pino({ level: 'silent' }), requestId: name });
}
