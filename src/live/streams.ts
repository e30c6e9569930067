import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';
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
  /** Told how many changes wait for a subscriber whenever that grows (the transports' statistics). */
  noteWaiting(count: number): void;
  /**
   * Ends every stream of the connection at once and closes it (a WebSocket with close code 1008 and
   * `reason`, an SSE stream after its last result).
   */
  dropSlowConsumer(reason: string): void;
  /** Registers how to end one stream of the connection; returns its unregistration. */
  track(end: () => void): () => void;
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
  return new Repeater<ChangeRecord>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    /** Pushed and not yet taken by the transport (each push settles when its value is taken). */
    let waiting = 0;
    const send = (change: ChangeRecord): Promise<unknown> => {
      waiting += 1;
      live.noteWaiting(waiting);
      // A push still waiting when the stream stops settles with the stop's error: nobody needs it then.
      return push(change)
        .finally(() => {
          waiting -= 1;
        })
        .catch(() => undefined);
    };
    let cursor = 0;
    /** New entries held back while older ones are read; null once caught up. */
    let held: ChangeRecord[] | null = [];
    const drop = () => {
      if (stopped) return;
      stopped = true;
      const error = new SlowConsumerError(live.buffer);
      stop(error);
      live.dropSlowConsumer(error.message);
    };
    const deliver = (change: ChangeRecord) => {
      if (stopped || change.seq <= cursor) return;
      if (waiting >= live.buffer) return drop();
      cursor = change.seq;
      void send(change);
    };
    const following = await live.follower.follow((batch) => {
      for (const change of batch.changes) {
        if (!matches(filter, change)) continue;
        if (held === null) deliver(change);
        else if (held.push(change) > live.buffer) drop();
      }
    });
    const untrack = live.track(() => stop());
    try {
      cursor = after ?? following.position;
      while (!stopped && cursor < following.position) {
        const page = await changesAfter(live.db, filter, cursor, CHANGES_PAGE, following.position);
        for (const change of page) {
          if (stopped) break;
          cursor = change.seq;
          // Catching up goes at the subscriber's pace: the next entry when this one is taken.
          await send(change);
        }
        if (page.length < CHANGES_PAGE) break;
      }
      cursor = Math.max(cursor, following.position);
      const pending = held;
      held = null;
      for (const change of pending) deliver(change);
      await stop;
    } finally {
      untrack();
      following.stop();
    }
  });
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
    const untrack = live.track(() => stop());
    try {
      void push(signal);
      await stop;
    } finally {
      untrack();
      following.stop();
    }
  }, new SlidingBuffer(1));
}
