import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Config } from './config';
import type { Logger } from './logger';

/** Where automatic persisted queries are kept: undefined means Apollo's in-memory default. */
export interface ApqCache {
  readonly cache: KeyValueCache<string> | undefined;
  close(): Promise<void>;
}

/** STUB: replaced by the shared APQ cache work of #15. */
export function createApqCache(_config: Config['apq'], _log: Logger): ApqCache {
  return { cache: undefined, close: async () => undefined };
}
