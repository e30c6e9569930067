/**
 * Prepares the embedded Neo4j once: fetches its jars, compiles and packs the launcher, makes the
 * class-data-sharing archive every later start maps (src/embedded/classArchive.ts) and the seeded
 * store a fresh store is copied from (src/embedded/storeTemplate.ts). `npm start` makes what is
 * missing itself; this does it ahead. `npm run neo4j:fetch [-- --apoc]`.
 */
import { loadConfig } from '../src/config';
import { classArchiveFile, ensureClassArchive, ensureNeo4jJars, findJava, JVM_FLAGS } from '../src/embedded';
import { createLogger } from '../src/logger';
import { ensureSeededStoreTemplate } from '../src/startup';

async function main(): Promise<void> {
  await ensureNeo4jJars({ withApoc: process.argv.includes('--apoc'), log: console.log });
  const java = findJava();
  await ensureClassArchive(java, JVM_FLAGS, classArchiveFile(java, JVM_FLAGS), console.log);
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  await ensureSeededStoreTemplate(config, createLogger(config), console.log);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
