import { loadConfig, ConfigError } from '../src/config';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { createLogger } from '../src/logger';
import { DEFAULT_SEED_DIR } from '../src/import/seed';
import { upgradeSeed } from '../src/import/seedUpgrade';
import { cliExecutor } from './cliArgs';
import { SeedValidationError } from '../src/domain/validate';

/**
 * `npm run seed [-- <folder>]`: validates a seed folder and upgrades the database of NEO4J_URI to it in
 * one transaction (start one with `npm run neo4j:start` when you have none): an empty store gets the
 * whole seed; a seeded one gets the seed's changes, keeping what curators changed (src/import/seedUpgrade.ts).
 * Idempotent: run it as often as you like.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.neo4j.uri) throw new ConfigError('NEO4J_URI is unset: expected the database to seed (for example bolt://127.0.0.1:7687)');
  const log = createLogger(config);
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  try {
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, log);
    const report = await upgradeSeed(cliExecutor(driver, config, 'seed'), process.argv[2] ?? DEFAULT_SEED_DIR);
    const { written, removed, conflicts } = report;
    process.stdout.write(
      `Seed ${report.version} (was ${report.previous ?? 'none'}): wrote ${written.nodes} nodes, ${written.relationships} relationships and ${written.sources} sources; ` +
        `removed ${removed.nodes} nodes and ${removed.relationships} relationships the seed no longer has; ${conflicts.length} conflict(s) with curated records.\n`,
    );
    for (const conflict of conflicts) process.stdout.write(`  kept curated: ${conflict}\n`);
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SeedValidationError || error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
