/**
 * Child-process entry of the peer server for the benchmark: connects to NEO4J_URI, starts
 * @neo4j/graphql 7 on a free port and prints `PEER_READY <url>`.
 */
import neo4j from 'neo4j-driver';
import { startPeerServer } from './peer/server';

async function main(): Promise<void> {
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error('NEO4J_URI is required');
  const driver = neo4j.driver(uri, process.env.NEO4J_PASSWORD ? neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD) : undefined);
  const server = await startPeerServer(driver, process.env.NEO4J_DATABASE ?? 'neo4j');
  process.stdout.write(`PEER_READY ${server.url}\n`);
  const stop = async (): Promise<void> => {
    await server.stop();
    await driver.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
