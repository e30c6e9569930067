/**
 * Prepares the embedded Neo4j once: fetches its jars, compiles and packs the launcher, and makes the
 * class-data-sharing archive every later start maps (src/embedded/classArchive.ts).
 * `npm run neo4j:fetch [-- --apoc]`.
 */
import { classArchiveFile, ensureClassArchive, ensureNeo4jJars, findJava, JVM_FLAGS } from '../src/embedded';

async function main(): Promise<void> {
  await ensureNeo4jJars({ withApoc: process.argv.includes('--apoc'), log: console.log });
  const java = findJava();
  await ensureClassArchive(java, JVM_FLAGS, classArchiveFile(java, JVM_FLAGS), console.log);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
