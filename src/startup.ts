import type { Driver } from 'neo4j-driver';
import type { Config } from './config';
import { createDriver, waitForDatabase } from './db/driver';
import { Executor } from './db/executor';
import { ensureStoreTemplate, startEmbeddedNeo4j, storeTemplateDir } from './embedded';
import { freePort } from './net';
import type { Logger } from './logger';
import { SEED_TIMEOUT_MS, isGraphEmpty, loadSeed, seedVersion } from './import/seed';
import { needsSeedUpgrade, upgradeSeed } from './import/seedUpgrade';
import { awaitIndexes, ensureSchema } from './import/importer';

/** What the entry (index.ts) needs once Neo4j is starting: loaded then, so the JVM starts sooner. */
export { createDriver, waitForDatabase } from './db/driver';
export { DatabaseHealth } from './db/health';
export { createApp } from './server';

/**
 * Makes the store ready to serve: constraints and indexes, and the shipped seed. An empty store is
 * loaded (SEED_ON_EMPTY); a store seeded from another version of the seed is upgraded in one
 * transaction, keeping curated work (SEED_UPGRADE). The indexes fill while the seed is written and are
 * awaited last.
 */
export async function prepareStore(driver: Driver, config: Config, log: Logger): Promise<void> {
  const executor = new Executor({ driver, database: config.neo4j.database, timeoutMs: SEED_TIMEOUT_MS, log, requestId: 'start-up seed' });
  await ensureSchema(executor, { awaitIndexes: false });
  await seedStore(executor, config, log);
  await awaitIndexes(executor);
}

async function seedStore(executor: Executor, config: Config, log: Logger): Promise<void> {
  if (await isGraphEmpty(executor)) {
    if (!config.seedOnEmpty) return;
    log.info('the database is empty: loading the seed graph');
    const counts = await loadSeed(executor);
    log.info(counts, 'seed graph loaded');
    return;
  }
  if (!config.seedUpgrade || !(await needsSeedUpgrade(executor))) return;
  log.info('the store holds another version of the seed: upgrading it, keeping curated work');
  const report = await upgradeSeed(executor);
  log.info({ version: report.version, previous: report.previous, written: report.written, removed: report.removed, conflicts: report.conflicts.length }, 'seed upgraded');
  for (const conflict of report.conflicts) log.warn({ conflict }, 'seed and curation disagree; the curated state is kept');
}

/**
 * Fills the empty `home` with a prepared, seeded store, for the store template (embedded/storeTemplate.ts):
 * a Neo4j of its own on a free port, `prepareStore` as at any start, then a clean stop.
 */
export async function makeSeededStore(home: string, config: Config, log: Logger): Promise<void> {
  const neo4j = await startEmbeddedNeo4j({
    port: await freePort(),
    dataDir: home,
    heap: config.embedded.heap,
    pageCache: config.embedded.pageCache,
    ...(config.neo4j.password ? { password: config.neo4j.password } : {}),
    log: (message) => log.info({ neo4j: message }, 'store template'),
  });
  const driver = createDriver({ ...config.neo4j, uri: neo4j.uri });
  try {
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, log);
    await prepareStore(driver, config, log);
  } finally {
    await driver.close();
    await neo4j.stop();
  }
}

/**
 * Makes this seed's store template unless it exists, ahead of a start (`npm run neo4j:fetch`, the
 * benchmark's start-up timing): true when it exists afterwards. A start makes it itself (index.ts).
 */
export function ensureSeededStoreTemplate(config: Config, log: Logger, say: (message: string) => void): Promise<boolean> {
  return ensureStoreTemplate(storeTemplateDir(seedVersion()), (home) => makeSeededStore(home, config, log), say);
}
