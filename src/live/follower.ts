import { changesAfter, latestChange, NO_FILTER, type ChangeRecord } from '../db/audit';
import type { Executor } from '../db/executor';
import { CHANGES_PAGE } from '../db/queries/audit';
import type { Logger } from '../logger';

/** Entries read in one poll, in commit order: every entry after `after` up to `upTo`. */
export interface ChangeBatch {
  readonly after: number;
  readonly upTo: number;
  readonly changes: readonly ChangeRecord[];
}

export type BatchListener = (batch: ChangeBatch) => void;

export interface Following {
  /** The last entry the listener need not be told of: it receives every batch after this. */
  readonly position: number;
  stop(): void;
}

/**
 * Follows the audit trail in Neo4j for the subscriptions of this instance: while anyone listens, it
 * reads the entries after the last one it saw every `pollMs` and hands each batch to every listener.
 * Writes made through any instance are in the trail, so no broker is needed; entries become visible in
 * commit order (db/queries/audit.ts), so reading on from the last one misses none. With no listener it
 * stops reading.
 */
export class AuditFollower {
  private readonly listeners = new Set<BatchListener>();
  private started: Promise<void> | null = null;
  private position = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped on every stop: a poll of an earlier run throws its rows away. */
  private run = 0;
  private polling = false;
  private failing = false;
  private nudged = false;

  constructor(
    private readonly deps: {
      readonly db: Executor;
      readonly pollMs: number;
      readonly log: Logger;
    },
  ) {}

  /** Starts listening; batches reach `listener` synchronously, in order, from the returned position on. */
  async follow(listener: BatchListener): Promise<Following> {
    this.started ??= this.start();
    const started = this.started;
    try {
      await started;
    } catch (error) {
      if (this.started === started) this.started = null;
      throw error;
    }
    // Added and positioned in one synchronous step: no batch can fall between the two.
    this.listeners.add(listener);
    return {
      position: this.position,
      stop: () => {
        if (this.listeners.delete(listener) && this.listeners.size === 0) this.halt();
      },
    };
  }

  /** Listeners now following. */
  get size(): number {
    return this.listeners.size;
  }

  /** Reads the trail now instead of at the next tick (this instance just wrote). */
  nudge(): void {
    if (this.polling) this.nudged = true;
    else if (this.timer !== null) this.schedule(this.run, 0);
  }

  close(): void {
    this.listeners.clear();
    this.halt();
  }

  private async start(): Promise<void> {
    const run = this.run;
    const position = await latestChange(this.deps.db);
    if (run !== this.run) return;
    this.position = position;
    this.schedule(run);
  }

  private halt(): void {
    this.run += 1;
    this.started = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(run: number, delayMs = this.deps.pollMs): void {
    if (run !== this.run) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(run), delayMs);
    this.timer.unref();
  }

  private async poll(run: number): Promise<void> {
    this.polling = true;
    try {
      for (;;) {
        const changes = await changesAfter(this.deps.db, NO_FILTER, this.position, CHANGES_PAGE);
        if (run !== this.run || changes.length === 0) break;
        const batch: ChangeBatch = { after: this.position, upTo: changes[changes.length - 1]!.seq, changes };
        this.position = batch.upTo;
        for (const listener of [...this.listeners]) listener(batch);
        if (changes.length < CHANGES_PAGE) break;
      }
      if (this.failing) this.deps.log.info('reading the audit trail for subscriptions works again');
      this.failing = false;
    } catch (error) {
      // The database is down or slow: subscribers keep waiting, and the next poll reads on from here.
      // Said once per outage, not every poll.
      if (!this.failing) this.deps.log.warn({ err: error }, 'reading the audit trail for subscriptions failed; retrying');
      this.failing = true;
    } finally {
      this.polling = false;
      this.schedule(run, this.nudged ? 0 : this.deps.pollMs);
      this.nudged = false;
    }
  }
}
