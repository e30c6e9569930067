import type { Driver } from 'neo4j-driver';
import { ConfigError, loadConfig, type Config } from './config';
import { copyStoreTemplate, ensureNeo4jJars, ensureStoreTemplate, isFreshStore, storeTemplateDir, superviseEmbeddedNeo4j, type SupervisedNeo4j } from './embedded';
import { seedVersion } from './import/seedVersion';
import { createLogger, type Logger } from './logger';
import type * as Startup from './startup';
import type { DatabaseHealth } from './db/health';
import type { App } from './server';

/**
 * Process entry: config → (embedded) Neo4j → driver → seed if empty → server → listen. Only what
 * starts Neo4j is imported up front: the rest of the server (`./startup`) loads while the JVM starts.
 */
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
  let embedded: SupervisedNeo4j | undefined;
  let health: DatabaseHealth | undefined;
  let driver: Driver | undefined;
  let app: App | undefined;

  /**
   * Graceful shutdown, in this order: answer /ready with 503 for SHUTDOWN_DELAY_MS (still serving);
   * refuse new connections; let the requests in flight finish (Apollo's drain plugin waits up to
   * SHUTDOWN_GRACE_MS, then closes the connections that are left);
   * close the driver; stop the embedded Neo4j. Exit code `exitCode` when every step succeeded, else 1.
   */
  const shutdown = async (signal: string, exitCode = 0): Promise<void> => {
    const started = Date.now();
    let failed = false;
    const step = async (what: string, action: () => Promise<void> | undefined): Promise<void> => {
      try {
        await action();
      } catch (err) {
        failed = true;
        log.error({ err }, `${what} failed`);
      }
    };
    // Leave the balancer's pool first: /ready answers 503 while requests are still served, so no new
    // request is sent to a listener about to close (a POST reset mid-flight could not safely be retried).
    app?.leavePool();
    if (config.http.shutdownDelayMs > 0 && app?.httpServer.listening) {
      log.info({ signal, delayMs: config.http.shutdownDelayMs }, 'shutting down: /ready answers 503, still serving until the balancer has noticed');
      await new Promise((resolve) => setTimeout(resolve, config.http.shutdownDelayMs));
    }
    // Closing the listener now (the drain plugin would do it one tick later) makes "refused from the
    // moment this line is logged" exact; the drain plugin's own close then waits for the connections.
    if (app?.httpServer.listening) app.httpServer.close();
    log.info({ signal, graceMs: config.http.shutdownGraceMs }, 'shutting down: new connections refused, finishing requests in flight');
    await step('stopping the server', () => app?.stop());
    const drainedMs = Date.now() - started;
    log.info({ ms: drainedMs, withinGrace: drainedMs < config.http.shutdownGraceMs }, 'HTTP server drained; closing the driver');
    health?.close();
    await step('closing the driver', () => driver?.close());
    await step('stopping Neo4j', () => embedded?.stop());
    log.info({ ms: Date.now() - started, exitCode: failed ? 1 : exitCode }, 'stopped');
    process.exit(failed ? 1 : exitCode);
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
    let starting: Promise<SupervisedNeo4j> | undefined;
    if (!config.neo4j.uri) {
      log.info({ dataDir: config.embedded.dataDir, port: config.embedded.port }, 'NEO4J_URI unset: starting the embedded Neo4j');
      if (config.embedded.template && config.seedOnEmpty && isFreshStore(config.embedded.dataDir)) await startFromTemplate(config, log);
      starting = superviseEmbeddedNeo4j(
        {
          port: config.embedded.port,
          dataDir: config.embedded.dataDir,
          heap: config.embedded.heap,
          pageCache: config.embedded.pageCache,
          ...(config.neo4j.password ? { password: config.neo4j.password } : {}),
          log: (message) => log.info({ neo4j: message }, 'embedded neo4j'),
        },
        {
          maxRestarts: config.supervision.maxRestarts,
          onDown: (reason) => health?.markDown(reason),
          // No onUp: the health check, probing since the exit, sees the restarted Neo4j answer.
          onGiveUp: (error) => {
            log.fatal({ err: error, maxRestarts: config.supervision.maxRestarts }, 'the embedded Neo4j could not be restarted: exiting');
            if (!stopping) {
              stopping = true;
              void shutdown('embedded Neo4j lost', 1);
            }
          },
          log: (message, details) => log.warn(details ?? {}, message),
        },
      );
      starting.catch(() => undefined); // awaited below, once the modules are loaded
    }
    // A macrotask, so after the JVM was spawned (only microtasks come before that).
    await new Promise((resolve) => setImmediate(resolve));
    const { createApp, createDriver, DatabaseHealth, prepareStore, waitForDatabase } = require('./startup') as typeof Startup;
    if (starting) embedded = await starting;
    const uri = embedded?.uri ?? config.neo4j.uri;
    if (!uri) throw new Error('no Neo4j to connect to'); // NEO4J_URI, or the embedded one started above
    driver = createDriver({ ...config.neo4j, uri });
    const probeDriver = driver;
    health = new DatabaseHealth({ probe: () => probeDriver.getServerInfo({ database: config.neo4j.database }).then(() => undefined), log });
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, log);
    await prepareStore(driver, config, log);
    app = await createApp({ config, driver, log, health });
    const server = app.httpServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    log.info({ url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql` }, 'GraphQL server ready');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Start-up failed: ${message.split('\n')[0]}\n`);
    log.debug({ err: error }, 'start-up failure');
    await driver?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * Makes the fresh embedded store a copy of the seeded store template, made first when there is none
 * for this seed and Neo4j (a Neo4j of its own, about as long as seeding at start, once). Without a
 * template the store is seeded at start, as before.
 */
async function startFromTemplate(config: Config, log: Logger): Promise<void> {
  const say = (message: string): void => log.info({ neo4j: message }, 'embedded neo4j');
  await ensureNeo4jJars({ log: say });
  const template = storeTemplateDir(seedVersion());
  const make = (home: string): Promise<void> => (require('./startup') as typeof Startup).makeSeededStore(home, config, log);
  if (!(await ensureStoreTemplate(template, make, say))) return;
  copyStoreTemplate(template, config.embedded.dataDir);
  log.info({ template }, 'fresh store: a copy of the seeded store template');
}

void main();
