/** Fetches the embedded Neo4j jars (and compiles the launcher) once: `npm run neo4j:fetch [-- --apoc]`. */
import { ensureNeo4jJars } from '../src/embedded';

ensureNeo4jJars({ withApoc: process.argv.includes('--apoc'), log: console.log }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
