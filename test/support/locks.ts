import type { Driver, Session, Transaction } from 'neo4j-driver';
import { database } from './testServer';

/**
 * Concurrency made certain by events rather than by `Promise.all` happening to overlap: a transaction of
 * the test's own takes a lock first, the writers under test are started, the test waits until
 * `SHOW TRANSACTIONS` shows every one of them blocked, and only then lets go. All writers are then
 * queued on the same lock at the same time, whatever the speed of the machine.
 */
export interface LockHolder {
  /** Rolls the holding transaction back (its writes vanish), releasing the lock. */
  release(): Promise<void>;
}

/** Opens an explicit transaction, runs `cypher` in it (the statement that takes the lock) and keeps it open. */
export async function holdLock(driver: Driver, cypher: string, params: Record<string, unknown> = {}): Promise<LockHolder> {
  const session: Session = driver.session({ database });
  let tx: Transaction | undefined;
  try {
    tx = session.beginTransaction({ metadata: { app: 'test', query: 'test.lockHolder' } });
    await tx.run(cypher, params);
  } catch (error) {
    await tx?.rollback().catch(() => undefined);
    await session.close();
    throw error;
  }
  const open = tx;
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      try {
        await open.rollback();
      } finally {
        await session.close();
      }
    },
  };
}

/**
 * The transactions whose metadata names `requestId` and whose status says they wait for a lock.
 * Neo4j 5 reports such a transaction as `Blocked by: [<transaction ids>]` (see `SHOW TRANSACTIONS`).
 */
export async function blockedTransactions(driver: Driver, requestId: string): Promise<number> {
  const { records } = await driver.executeQuery(
    `SHOW TRANSACTIONS YIELD metaData, status WHERE metaData.requestId = $requestId AND status STARTS WITH 'Blocked' RETURN count(*) AS n`,
    { requestId },
    { database },
  );
  return Number(records[0]?.get('n'));
}

/**
 * Resolves once `count` transactions of `requestId` are blocked; fails after `timeoutMs` (the writers
 * never waited: they did not take the lock) or as soon as `settled` says a writer finished early
 * (it did not wait for the lock either). Polls `SHOW TRANSACTIONS`: the database has no push event for it.
 */
export async function waitUntilBlocked(
  driver: Driver,
  requestId: string,
  count: number,
  options: { timeoutMs?: number; settled?: () => number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let seen = 0;
  for (;;) {
    const done = options.settled?.() ?? 0;
    if (done > 0) throw new Error(`${done} writer(s) of ${requestId} finished while the lock was held: they did not wait for it`);
    seen = await blockedTransactions(driver, requestId);
    if (seen === count) return;
    if (seen > count) throw new Error(`${seen} transactions of ${requestId} blocked, expected ${count}`);
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${count} writers of ${requestId} were seen blocked on the held lock`);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the poll's pace, not a guess at timing
  }
}

/**
 * Starts `writers` while a lock is held, waits until all `count` of them are blocked on it, releases the
 * lock, and returns their results. The holder is released on every path.
 */
export async function raceOnHeldLock<T>(
  driver: Driver,
  lock: { cypher: string; params?: Record<string, unknown> },
  requestId: string,
  writers: (() => Promise<T>)[],
): Promise<T[]> {
  const holder = await holdLock(driver, lock.cypher, lock.params);
  let settled = 0;
  let results: Promise<T[]> | undefined;
  try {
    const started = writers.map((write) =>
      write().finally(() => {
        settled++;
      }),
    );
    results = Promise.all(started);
    results.catch(() => undefined);
    await waitUntilBlocked(driver, requestId, writers.length, { settled: () => settled });
  } finally {
    await holder.release();
  }
  return results;
}
