import neo4j, { type Driver } from 'neo4j-driver';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { errorCode } from '../domain/guards';

/** Creates the one driver of the process, tuned for a web server (short acquisition and retry budgets). */
export function createDriver(settings: Config['neo4j'] & { uri: string }): Driver {
  const auth = settings.password ? neo4j.auth.basic(settings.user, settings.password) : undefined;
  return neo4j.driver(settings.uri, auth, {
    // Integers come back as JS numbers: every count and year in this graph is far below 2^53.
    disableLosslessIntegers: true,
    connectionAcquisitionTimeout: 10_000,
    connectionTimeout: 5_000,
    maxTransactionRetryTime: 5_000,
    maxConnectionPoolSize: 50,
    userAgent: 'critical-minerals-graph',
  });
}

/** Thrown when the database cannot be reached after the configured retries. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/**
 * Waits until the database answers, with bounded retries and backoff, so start-up never hangs.
 * Authentication errors are not retried: they will not fix themselves.
 */
export async function waitForDatabase(driver: Driver, database: string, retries: number, log: Logger): Promise<void> {
  // getServerInfo makes one connection attempt; executeQuery would retry for maxTransactionRetryTime itself.
  for (let attempt = 0; ; attempt++) {
    try {
      await driver.getServerInfo({ database });
      return;
    } catch (error) {
      const code = errorCode(error) ?? '';
      const message = error instanceof Error ? error.message : String(error);
      if (code.startsWith('Neo.ClientError.Security') || attempt >= retries) {
        throw new DatabaseUnreachableError(`Neo4j unreachable after ${attempt + 1} attempt(s): ${message.split('. ')[0]}`);
      }
      const delayMs = Math.min(500 * 2 ** attempt, 2_000);
      log.warn({ attempt: attempt + 1, delayMs, err: message }, 'Neo4j not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
