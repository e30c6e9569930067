import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../src/embedded';
import { freePort } from '../src/net';

export interface ScratchNeo4j {
  readonly neo4j: EmbeddedNeo4j;
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  readonly driver: Driver;
  /** Starts the same store again after `neo4j.stop()` (same port and data). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real, empty Neo4j of its own for one test file (the shared, seeded test database stays as it is):
 * for tests that need an empty store, a stop and a restart, or a write nobody else may see.
 */
export async function startScratchNeo4j(prefix: string): Promise<ScratchNeo4j> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cmg-${prefix}-`));
  const port = await freePort();
  const start = () => startEmbeddedNeo4j({ port, dataDir, heap: '512m', pageCache: '64m' });
  let server = await start();
  const driver = neo4j.driver(server.uri, undefined, { disableLosslessIntegers: true });
  const scratch = {
    get neo4j() {
      return server;
    },
    uri: server.uri,
    port,
    dataDir,
    driver,
    restart: async () => {
      server = await start();
    },
    close: async () => {
      await driver.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return scratch;
}
