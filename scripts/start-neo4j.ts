/**
 * Runs the embedded Neo4j for local development: `npm run neo4j:start`.
 * Bolt port from NEO4J_EMBEDDED_PORT (default 7687), data in .data/neo4j; Ctrl-C stops it cleanly.
 */
import * as path from 'node:path';
import { startEmbeddedNeo4j } from '../src/embedded';

async function main(): Promise<void> {
  const port = Number(process.env.NEO4J_EMBEDDED_PORT ?? 7687);
  const neo4j = await startEmbeddedNeo4j({
    port,
    dataDir: path.resolve(__dirname, '..', '.data', 'neo4j'),
    heap: '512m',
    pageCache: '256m',
    log: console.log,
  });
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
