import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import type { Config } from '../config';
import type { Context } from '../context';

/** Per-client budgets (see Config['clientLimits']). */
export interface ClientLimits {
  /** Checks the request-rate budget before the body is parsed: over budget → 429 with Retry-After. */
  readonly middleware: express.RequestHandler;
  /** Holds the operation's cost against the client's concurrent-cost budget while it runs. */
  readonly plugin: ApolloServerPlugin<Context>;
}

/** STUB: replaced by the client-limits work of #15. */
export function createClientLimits(_config: Config['clientLimits']): ClientLimits {
  return { middleware: (_req, _res, next) => next(), plugin: {} };
}
