/**
 * Runs the embedded Neo4j for local development: `npm run neo4j:start`.
 * Port, data directory, heap and page cache from the server's own settings (NEO4J_EMBEDDED_PORT,
 * NEO4J_EMBEDDED_DATA_DIR, NEO4J_EMBEDDED_HEAP, NEO4J_EMBEDDED_PAGECACHE; by default 7687 and
 * .data/neo4j), so `npm run generate`'s store can be served the same way; Ctrl-C stops it cleanly.
 */
import { loadConfig } from '../src/config';
import { startEmbeddedNeo4j } from '../src/embedded';

async function main(): Promise<void> {
  const { embedded } = loadConfig();
  const neo4j = await startEmbeddedNeo4j({ ...embedded, log: console.log });
  console.log(`Neo4j is running: NEO4J_URI=${neo4j.uri} (no auth). Ctrl-C to stop.`);
  const shutdown = (): void => {
    neo4j.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
