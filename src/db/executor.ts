import neo4j, { type Driver, type EagerResult, type ManagedTransaction, type RecordShape } from 'neo4j-driver';
import { TimeoutError, mapDatabaseError } from '../errors';
import type { Logger } from '../logger';

/** A Cypher statement with a name for logs and transaction metadata. The text never contains user input. */
export interface NamedQuery {
  readonly name: string;
  readonly cypher: string;
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
  /** Run every statement under PROFILE and add up its db hits in `dbHits` (benchmarks only: slower). */
  readonly profile?: boolean;
}

interface ProfiledPlan {
  readonly dbHits: number;
  readonly children: readonly ProfiledPlan[];
}

function totalDbHits(plan: ProfiledPlan): number {
  return plan.children.reduce((sum, child) => sum + totalDbHits(child), plan.dbHits);
}

/**
 * Every Cypher call of the application goes through an Executor: managed transactions (retried on
 * transient errors, so statements must be idempotent), a timeout per transaction, metadata naming the
 * request, a debug log, errors mapped by code, and a count of round trips for tests and benchmarks.
 */
export class Executor {
  /** Database round trips made through this executor (one per `read`/`write`). */
  roundTrips = 0;
  /** Db hits of all statements, when constructed with `profile: true`. */
  dbHits = 0;

  constructor(private readonly options: ExecutorOptions) {}

  read<T extends RecordShape>(query: NamedQuery, params: Record<string, unknown> = {}): Promise<T[]> {
    return this.run<T>(query, params, neo4j.routing.READ);
  }

  write<T extends RecordShape>(query: NamedQuery, params: Record<string, unknown> = {}): Promise<T[]> {
    return this.run<T>(query, params, neo4j.routing.WRITE);
  }

  /**
   * Runs `work` in ONE managed write transaction: every statement it runs commits together or not at all
   * (an error thrown by `work`, ours or the database's, rolls everything back). The driver retries the
   * whole function on transient errors, so `work` must not have side effects outside the transaction.
   */
  async writeTransaction<R>(name: string, work: (tx: TransactionRunner) => Promise<R>): Promise<R> {
    const { driver, database, requestId, operationName } = this.options;
    const session = driver.session({ database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => work(new TransactionRunner(tx, this)), {
        timeout: this.remainingMs(),
        metadata: { app: 'critical-minerals-graph', query: name, requestId: requestId ?? null, operation: operationName ?? null },
      });
    } catch (error) {
      this.options.log.debug({ query: name, err: error }, 'transaction failed');
      throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
  }

  /** What is left of the request's deadline for the next transaction, at most `timeoutMs`. */
  private remainingMs(): number {
    const { deadline, timeoutMs } = this.options;
    const remaining = deadline === undefined ? timeoutMs : Math.min(timeoutMs, deadline - Date.now());
    if (remaining <= 0) throw new TimeoutError();
    return remaining;
  }

  private async run<T extends RecordShape>(query: NamedQuery, params: Record<string, unknown>, routing: 'READ' | 'WRITE'): Promise<T[]> {
    const { driver, database, log, requestId, operationName, profile } = this.options;
    const timeoutMs = this.remainingMs();
    this.roundTrips++;
    const started = performance.now();
    try {
      const result = await driver.executeQuery<EagerResult<T>>(profile ? `PROFILE ${query.cypher}` : query.cypher, params, {
        database,
        routing,
        transactionConfig: {
          timeout: timeoutMs,
          metadata: { app: 'critical-minerals-graph', query: query.name, requestId: requestId ?? null, operation: operationName ?? null },
        },
      });
      if (profile && result.summary.profile) this.dbHits += totalDbHits(result.summary.profile as unknown as ProfiledPlan);
      log.debug({ query: query.name, params, ms: Math.round(performance.now() - started) }, 'cypher');
      return result.records.map((record) => record.toObject());
    } catch (error) {
      log.debug({ query: query.name, err: error }, 'cypher failed');
      throw mapDatabaseError(error);
    }
  }
}

/** The statements of one write transaction (see `Executor.writeTransaction`). */
export class TransactionRunner {
  constructor(
    private readonly tx: ManagedTransaction,
    private readonly executor: Executor,
  ) {}

  async run<T extends RecordShape>(query: NamedQuery, params: Record<string, unknown> = {}): Promise<T[]> {
    this.executor.roundTrips++;
    const result = await this.tx.run<T>(query.cypher, params);
    return result.records.map((record) => record.toObject());
  }
}
