import type { Driver } from 'neo4j-driver';
import { Executor } from './db/executor';
import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';

/** What every resolver receives: built fresh for each request, so loader caches never leak across requests. */
export interface Context {
  readonly requestId: string;
  readonly log: Logger;
  readonly db: Executor;
  readonly loaders: Loaders;
}

export interface ContextDeps {
  readonly driver: Driver;
  readonly database: string;
  readonly queryTimeoutMs: number;
  readonly log: Logger;
  /** Profile every statement (benchmarks). */
  readonly profile?: boolean;
}

export function createContext(deps: ContextDeps, requestId: string, operationName?: string): Context {
  const log = deps.log.child({ requestId });
  const db = new Executor({
    driver: deps.driver,
    database: deps.database,
    timeoutMs: deps.queryTimeoutMs,
    log,
    requestId,
    ...(operationName ? { operationName } : {}),
    ...(deps.profile ? { profile: true } : {}),
  });
  return { requestId, log, db, loaders: createLoaders(db) };
}
