import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import type { GraphChangesSubscription } from '../../client/generated/graphql';
import { ChangesSubscription } from './api';

export type Change = GraphChangesSubscription['changes'];

/** connecting: the first attempt; live: subscribed; reconnecting: the connection dropped and is retried; off: given up. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

/** Reconnection attempts in a row before the page stops trying (about ten minutes with the waits below). */
const RETRY_ATTEMPTS = 25;
const MAX_RETRY_WAIT_MS = 30_000;

const STATE_TEXT: Readonly<Record<LiveState, string>> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  off: 'off',
};

/** What a failed subscription says: GraphQL errors, a close event's code and reason, or an error. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `connection closed (${code}${reason ? `: ${reason}` : ''})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Follows every change to the graph over graphql-ws on this origin's /graphql, until the returned
 * function is called. graphql-ws reconnects by itself and then sends the same subscribe payload again;
 * the payload reads `after` when it is sent, so a resubscription resumes after the last change received
 * and no change is missed (the server replays those committed meanwhile, in order).
 */
export function followChanges(onChange: (change: Change) => void, onState: (state: LiveState, detail?: string) => void): () => void {
  let cursor: string | null = null;
  /** Why the server ended the subscription, when it said (its last result carries the errors). */
  let ended: string | undefined;
  /** Once the subscription is over, the connection closing after it is no reconnection. */
  let over = false;
  const report = (state: LiveState, detail?: string) => {
    if (!over) onState(state, detail);
    over ||= state === 'off';
  };
  try {
    const client = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      retryAttempts: RETRY_ATTEMPTS,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 1_000)),
      on: {
        connecting: (isRetry) => report(isRetry ? 'reconnecting' : 'connecting'),
        connected: () => report('live'),
        closed: (event) => report('reconnecting', describe(event)),
      },
    });
    const payload = {
      query: print(ChangesSubscription),
      get variables() {
        return { after: cursor };
      },
    };
    return client.subscribe<GraphChangesSubscription>(payload, {
      next: ({ data, errors }) => {
        if (errors?.length) ended = describe(errors);
        if (!data) return;
        cursor = data.changes.cursor;
        onChange(data.changes);
      },
      error: (error) => report('off', describe(error)),
      complete: () => report('off', ended ?? 'the server ended the subscription'),
    });
  } catch (error) {
    // No WebSocket in this browser: the page works, without live updates.
    report('off', describe(error));
    return () => undefined;
  }
}

/** The live indicator (its state in `data-state`) and the notice of the last change that redrew the page. */
export class LiveStatus {
  constructor(
    private readonly indicator: HTMLElement,
    private readonly notice: HTMLElement,
  ) {}

  show(state: LiveState, detail?: string): void {
    this.indicator.dataset.state = state;
    this.indicator.textContent = STATE_TEXT[state];
    this.indicator.title = detail ?? (state === 'live' ? 'Redraws when a change concerns what is drawn' : '');
  }

  announce(change: Change): void {
    this.notice.textContent = `Updated live: ${change.action} ${change.target} by ${change.actor} at ${new Date(change.at).toLocaleTimeString()}`;
  }
}
