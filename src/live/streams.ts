import { FixedBuffer, Repeater, SlidingBuffer } from '@repeaterjs/repeater';
import { changesAfter, type ChangeFilter, type ChangeRecord } from '../db/audit';
import type { Executor } from '../db/executor';
import { CHANGES_PAGE } from '../db/queries/audit';
import { SlowConsumerError } from '../errors';
import type { AuditFollower } from './follower';

/**
 * What a subscription resolver needs from its connection: the instance's audit follower, an executor for
 * reading the trail, and how to drop the connection when its subscriber does not keep up.
 */
export interface LiveSession {
  readonly follower: AuditFollower;
  readonly db: Executor;
  /** Changes that may wait for a subscriber before it is dropped. */
  readonly buffer: number;
  /** Closes the subscriber's connection (a WebSocket with close code 1008 and `reason`, an SSE stream). */
  dropSlowConsumer(reason: string): void;
}

function matches(filter: ChangeFilter, change: ChangeRecord): boolean {
  return (filter.entity === null || change.entityIds.includes(filter.entity)) && (filter.actions === null || filter.actions.includes(change.action));
}

/**
 * The entries of the audit trail matching `filter`, in commit order, as they commit: first those after
 * sequence number `after` (a resumed subscription), then each new one, each exactly once. A subscriber
 * that lets more than `live.buffer` entries wait is dropped (SlowConsumerError) instead of buffered.
 */
export function changeStream(live: LiveSession, filter: ChangeFilter, after: number | null): AsyncIterableIterator<ChangeRecord> {
  const buffer = new FixedBuffer(live.buffer);
  return new Repeater<ChangeRecord>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    let cursor = Number.MAX_SAFE_INTEGER;
    /** New entries held back while older ones are read; null once caught up. */
    let held: ChangeRecord[] | null = [];
    const drop = () => {
      if (stopped) return;
      const error = new SlowConsumerError(live.buffer);
      live.dropSlowConsumer(error.message);
      stop(error);
    };
    const deliver = (change: ChangeRecord) => {
      if (stopped || change.seq <= cursor) return;
      if (buffer.full) return drop();
      cursor = change.seq;
      void push(change);
    };
    const following = await live.follower.follow((batch) => {
      for (const change of batch.changes) {
        if (!matches(filter, change)) continue;
        if (held === null) deliver(change);
        else if (held.push(change) > live.buffer) drop();
      }
    });
    try {
      cursor = after ?? following.position;
      while (!stopped && cursor < following.position) {
        const page = await changesAfter(live.db, filter, cursor, CHANGES_PAGE, following.position);
        for (const change of page) {
          cursor = change.seq;
          // Resolves at once while the buffer has room: catching up goes at the subscriber's pace.
          await push(change);
        }
        if (page.length < CHANGES_PAGE) break;
      }
      cursor = Math.max(cursor, following.position);
      const pending = held;
      held = null;
      for (const change of pending) deliver(change);
      await stop;
    } finally {
      following.stop();
    }
  }, buffer);
}

/**
 * `signal`, coalesced, whenever a committed change concerns one of `watched()`'s entity ids, starting with
 * one at once (so a subscription first shows the current state). A slow subscriber misses nothing: it
 * gets one signal for all the changes since its last.
 */
export function touchStream<T>(live: LiveSession, watched: () => ReadonlySet<string>, signal: T): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    const following = await live.follower.follow((batch) => {
      const ids = watched();
      if (batch.changes.some((change) => change.entityIds.some((id) => ids.has(id)))) void push(signal);
    });
    try {
      void push(signal);
      await stop;
    } finally {
      following.stop();
    }
  }, new SlidingBuffer(1));
}
