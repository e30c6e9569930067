import type { Driver } from 'neo4j-driver';
import { ConfigError, loadConfig, type Config } from './config';
import { createDriver, waitForDatabase, DatabaseUnreachableError } from './db/driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from './db/embeddedNeo4j';
import { Executor } from './db/executor';
import { createLogger, type Logger } from './logger';
import { createApp, type App } from './server';
import { isGraphEmpty, loadSeed } from '../seed/loader';

/** Process entry: config → (embedded) Neo4j → driver → seed if empty → server → listen. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config);
  let embedded: EmbeddedNeo4j | undefined;
  let driver: Driver | undefined;
  let app: App | undefined;

  const shutdown = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await app?.stop().catch((err: unknown) => log.error({ err }, 'stopping the server failed'));
    await driver?.close().catch((err: unknown) => log.error({ err }, 'closing the driver failed'));
    await embedded?.stop().catch((err: unknown) => log.error({ err }, 'stopping Neo4j failed'));
    log.info('stopped');
    process.exit(0);
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!stopping) {
        stopping = true;
        void shutdown(signal);
      }
    });
  }

  try {
    let uri = config.neo4j.uri;
    if (!uri) {
      log.info({ dataDir: config.embedded.dataDir, port: config.embedded.port }, 'NEO4J_URI unset: starting the embedded Neo4j');
      embedded = await startEmbeddedNeo4j({
        port: config.embedded.port,
        dataDir: config.embedded.dataDir,
        heap: config.embedded.heap,
        pageCache: config.embedded.pageCache,
        ...(config.neo4j.password ? { password: config.neo4j.password } : {}),
        log: (message) => log.info({ neo4j: message }, 'embedded neo4j'),
      });
      uri = embedded.uri;
    }
    driver = createDriver({ ...config.neo4j, uri });
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, log);
    await seedIfEmpty(driver, config, log);
    app = await createApp({ config, driver, log });
    const server = app.httpServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    log.info({ url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql` }, 'GraphQL server ready');
  } catch (error) {
    const message = error instanceof DatabaseUnreachableError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`Start-up failed: ${message.split('\n')[0]}\n`);
    log.debug({ err: error }, 'start-up failure');
    await driver?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

async function seedIfEmpty(driver: Driver, config: Config, log: Logger): Promise<void> {
  if (!config.seedOnEmpty) return;
  const executor = new Executor({ driver, database: config.neo4j.database, timeoutMs: 60_000, log });
  if (!(await isGraphEmpty(executor))) return;
  log.info('the database is empty: loading the seed graph');
  const counts = await loadSeed(driver, config.neo4j.database);
  log.info(counts, 'seed graph loaded');
}

void main();
