import { loadConfig, ConfigError } from '../src/config';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { createLogger } from '../src/logger';
import { loadSeed, DEFAULT_SEED_DIR } from '../src/import/seed';
import { cliExecutor } from './cliArgs';
import { SeedValidationError } from '../src/domain/validate';

/**
 * `npm run seed [-- <folder>]`: validates and loads a seed folder into the database of NEO4J_URI
 * (start one with `npm run neo4j:start` when you have none). Idempotent: run it as often as you like.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.neo4j.uri) throw new ConfigError('NEO4J_URI is unset: expected the database to seed (for example bolt://127.0.0.1:7687)');
  const log = createLogger(config);
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  try {
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, log);
    const counts = await loadSeed(cliExecutor(driver, config, 'seed'), process.argv[2] ?? DEFAULT_SEED_DIR);
    process.stdout.write(`Seeded ${counts.nodes} nodes, ${counts.relationships} relationships and ${counts.sources} sources.\n`);
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SeedValidationError || error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
