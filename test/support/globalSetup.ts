import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/embedded';
import { freePort } from '../../src/net';
import { loadSeed } from '../../src/import/seed';
import { standaloneExecutor } from '../../src/db/executor';

declare global {
  // Shared with globalTeardown (same process).
  var __EMBEDDED_NEO4J__: { neo4j: EmbeddedNeo4j; dataDir: string } | undefined;
}

/**
 * Starts one embedded Neo4j on a free port with a throw-away store (or uses NEO4J_URI), loads the seed
 * graph, and hands the URI to the test files through TEST_NEO4J_URI.
 */
export default async function globalSetup(): Promise<void> {
  let uri = process.env.NEO4J_URI;
  if (!uri) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-test-neo4j-'));
    const server = await startEmbeddedNeo4j({ port: await freePort(), dataDir, heap: '768m', pageCache: '128m' });
    globalThis.__EMBEDDED_NEO4J__ = { neo4j: server, dataDir };
    uri = server.uri;
  }
  process.env.TEST_NEO4J_URI = uri;
  const driver = neo4j.driver(uri, process.env.NEO4J_PASSWORD ? neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD) : undefined);
  try {
    await loadSeed(standaloneExecutor(driver, process.env.NEO4J_DATABASE ?? 'neo4j', 'test-seed'));
  } finally {
    await driver.close();
  }
}
