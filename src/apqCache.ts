import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type * as KeyvAdapterModule from '@apollo/utils.keyvadapter';
import type * as KeyvRedisModule from '@keyv/redis';
import type * as KeyvModule from 'keyv';
import type { Config } from './config';
import type { Logger } from './logger';

/** Where automatic persisted queries are kept: undefined means Apollo's in-memory default. */
export interface ApqCache {
  readonly cache: KeyValueCache<string> | undefined;
  close(): Promise<void>;
}

/** Our keys in a Redis shared with others: `cmg-apq::apq:<sha256>` (Apollo adds `apq:`). */
export const APQ_NAMESPACE = 'cmg-apq';
/**
 * How long one cache operation may take before it counts as a miss. A persisted-query lookup sits on
 * the path of the request, so a Redis that is slow or frozen must cost a request little: the client
 * then sends the full query, as it does after any miss.
 */
const OPERATION_TIMEOUT_MS = 250;
/** Connecting (and each reconnection attempt) gives up after this long. */
const CONNECT_TIMEOUT_MS = 1_000;
/** Reconnection attempts back off up to this interval, forever: Redis may come back at any time. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/**
 * Apollo passes no TTL unless configured; Redis, unlike the bounded in-memory LRU, would then keep every
 * query ever registered. An expired hash is harmless: the client is told PERSISTED_QUERY_NOT_FOUND and
 * registers it again.
 */
const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

/**
 * The APQ cache: Apollo's in-memory default when APQ_CACHE_URL is unset; otherwise Redis through Keyv,
 * shared by every instance behind a balancer, so a query registered through one instance resolves
 * through any other.
 *
 * Redis is an accelerator, never a dependency: while it is unreachable, slow or failing, every lookup is
 * a miss (the client sends the full query and gets its answer) and every registration is dropped, both
 * logged once per outage rather than once per request. The process neither crashes nor waits for Redis,
 * at start-up or later, and reconnects on its own.
 */
export function createApqCache(config: Config['apq'], log: Logger): ApqCache {
  if (!config.cacheUrl) return { cache: undefined, close: async () => undefined };
  // Loaded only with a Redis to talk to: an in-memory server does not carry the Redis client.
  const { default: KeyvRedis, createClient } = require('@keyv/redis') as typeof KeyvRedisModule;
  const { Keyv } = require('keyv') as typeof KeyvModule;
  const { KeyvAdapter } = require('@apollo/utils.keyvadapter') as typeof KeyvAdapterModule;
  const client = createClient({
    url: config.cacheUrl,
    // Commands are refused at once while disconnected, instead of queueing until Redis returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  const health = outageLog(log);
  client.on('error', (err: unknown) => health.failed(err));
  client.on('ready', () => health.recovered());
  const store = new KeyvRedis<string>(client, { namespace: APQ_NAMESPACE, throwOnConnectError: false, throwOnErrors: true });
  // Every failure is thrown to MissOnFailure, which decides; the events would only repeat it.
  store.on('error', () => undefined);
  const keyv = new Keyv<string>({ store, namespace: APQ_NAMESPACE, useKeyPrefix: false, throwOnErrors: true });
  keyv.on('error', () => undefined);
  // The first connection is attempted in the background; a request before it is ready is a miss.
  client.connect().catch((err: unknown) => health.failed(err));
  let closed = false;
  return {
    cache: new MissOnFailure(new KeyvAdapter<string>(keyv, { disableBatchReads: true }), health),
    close: async () => {
      if (closed) return;
      closed = true;
      // destroy, not quit: nothing is left to flush (writes are fire-and-forget), and quit would wait for
      // an unreachable Redis.
      client.destroy();
    },
  };
}

interface OutageLog {
  /** The client failed (a connection lost or refused): an outage, whatever came before. */
  failed(err: unknown): void;
  /** An operation failed: an outage too, unless the first connection is still being made. */
  operationFailed(err: unknown): void;
  /** Connected, or an operation succeeded (a frozen Redis times out without disconnecting). */
  recovered(): void;
}

/**
 * Logs the first connection, the start of an outage once (not every failed request or reconnection
 * attempt) and its end.
 */
function outageLog(log: Logger): OutageLog {
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  const down = (err: unknown): void => {
    if (state === 'down') return;
    state = 'down';
    log.warn({ err }, 'APQ cache (Redis) unavailable: persisted queries miss until it answers again');
  };
  return {
    failed: down,
    operationFailed: (err) => {
      if (state !== 'connecting') down(err);
    },
    recovered: () => {
      if (state === 'up') return;
      log.info(state === 'connecting' ? 'APQ cache (Redis) connected' : 'APQ cache (Redis) available again');
      state = 'up';
    },
  };
}

/**
 * A cache whose failures are misses. Apollo fails the whole request when `get` rejects, so a lookup
 * that fails answers "not cached" (the client then sends the full query); a failed `set` or `delete`
 * resolves anyway (Apollo does not wait for writes, and only logs a rejection).
 */
class MissOnFailure implements KeyValueCache<string> {
  constructor(
    private readonly inner: KeyValueCache<string>,
    private readonly health: OutageLog,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      const value = await withinTimeout(this.inner.get(key));
      this.health.recovered();
      return value;
    } catch (err) {
      this.health.operationFailed(err);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    try {
      await withinTimeout(this.inner.set(key, value, { ...options, ttl: options?.ttl === undefined ? DEFAULT_TTL_SECONDS : options.ttl }));
      this.health.recovered();
    } catch (err) {
      this.health.operationFailed(err);
    }
  }

  async delete(key: string): Promise<boolean | void> {
    try {
      return await withinTimeout(this.inner.delete(key));
    } catch (err) {
      this.health.operationFailed(err);
      return false;
    }
  }
}

/**
 * Rejects after OPERATION_TIMEOUT_MS. (node-redis's own command timeout only bounds the wait to send a
 * command, not for its reply, and a frozen Redis keeps the connection open.)
 */
function withinTimeout<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the APQ cache did not answer within ${OPERATION_TIMEOUT_MS} ms`)), OPERATION_TIMEOUT_MS);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
