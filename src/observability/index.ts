import type { ApolloServerPlugin } from '@apollo/server';
import express from 'express';
import type { Config } from '../config';
import type { Context } from '../context';
import type { StatementObserver } from '../db/executor';

/** Metrics and traces of one server: what server.ts mounts and hands to every request's executor. */
export interface Observability {
  /** Wraps every statement and transaction the executors run (timing, spans); undefined when off. */
  readonly observer: StatementObserver | undefined;
  /** Requests by operation and outcome, their latency, round trips, the operation's span. */
  readonly plugins: ApolloServerPlugin<Context>[];
  /** Serves GET /metrics (Prometheus text format). */
  readonly router: express.Router;
  /** Flushes and stops exporters. */
  shutdown(): Promise<void>;
}

/** STUB: replaced by the observability work of #15. */
export function createObservability(_config: Config['observability']): Observability {
  return { observer: undefined, plugins: [], router: express.Router(), shutdown: async () => undefined };
}
