import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { Executor, standaloneExecutor, type StatementObserver } from '../../src/db/executor';
import { startEmbeddedNeo4j } from '../../src/embedded';
import { copyStoreTemplate, ensureStoreTemplate, storeTemplateDir } from '../../src/embedded/storeTemplate';
import { ensureSchema } from '../../src/import/importer';
import { isGraphEmpty, readSeed, seedVersion } from '../../src/import/seed';
import { needsSeedUpgrade } from '../../src/import/seedUpgrade';
import { freePort } from '../../src/net';
import { startServerProcess } from '../../harness/serverProcess';
import { makeSeededStore } from '../../src/startup';

/**
 * A fresh embedded store starts as a copy of the seeded store template (src/embedded/storeTemplate.ts,
 * made by `makeSeededStore` with a Neo4j of its own). The copy must be a store the start-up finds ready:
 * every constraint and index there, the seed loaded and recorded as this seed's version.
 */
describe('the seeded store template', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-template-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is a store with the seed, its version and the whole schema, which a copy starts from ready', async () => {
    const config = loadConfig({ ...process.env, NEO4J_EMBEDDED_PAGECACHE: '64m', LOG_LEVEL: 'silent' });
    const template = storeTemplateDir(seedVersion(), dir);
    expect(await ensureStoreTemplate(template, (home) => makeSeededStore(home, config, pino({ level: 'silent' })), () => undefined)).toBe(true);
    expect(fs.readdirSync(template)).toEqual(['data']);

    const dataDir = path.join(dir, 'store');
    copyStoreTemplate(template, dataDir);
    const server = await startEmbeddedNeo4j({ port: await freePort(), dataDir, heap: '512m', pageCache: '64m', ...(config.neo4j.password ? { password: config.neo4j.password } : {}) });
    const driver = neo4j.driver(server.uri, neo4j.auth.basic(config.neo4j.user, config.neo4j.password ?? 'unused'));
    try {
      const db = standaloneExecutor(driver, config.neo4j.database, 'template-test');
      expect(await isGraphEmpty(db)).toBe(false);
      expect(await needsSeedUpgrade(db)).toBe(false);
      const seed = readSeed();
      const { records } = await driver.executeQuery('MATCH (n) WHERE n:Entity OR n:Figure RETURN count(n) AS nodes', {}, { database: config.neo4j.database });
      expect(Number(records[0]?.get('nodes'))).toBe(seed.nodes.reduce((sum, group) => sum + group.records.length, 0));
      // Every constraint and index is there: the start-up's schema step only reads.
      const names: string[] = [];
      const observer: StatementObserver = { observe: (statement, work) => (names.push(statement.name), work()) };
      await ensureSchema(new Executor({ driver, database: config.neo4j.database, timeoutMs: 60_000, log: pino({ level: 'silent' }), requestId: 'template-test', observer }));
      expect(names).toEqual(['schema.present', 'audit.hasOldChanges']);
    } finally {
      await driver.close();
      await server.stop();
    }
  }, 240_000);

  /** Starts the server on an empty data directory; returns the name of its element Nd and its output. */
  async function startOnFreshStore(env: Record<string, string>): Promise<{ answer: unknown; output: string }> {
    const dataDir = fs.mkdtempSync(path.join(dir, 'fresh-'));
    const server = await startServerProcess(
      { NEO4J_EMBEDDED_DATA_DIR: dataDir, NEO4J_EMBEDDED_PORT: String(await freePort()), NEO4J_EMBEDDED_HEAP: '512m', NEO4J_EMBEDDED_PAGECACHE: '64m', LOG_LEVEL: 'info', ...env },
      { readyTimeoutMs: 180_000 },
    );
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ element(symbol: "Nd") { name } }' }),
      });
      return { answer: await response.json(), output: server.output() };
    } finally {
      await server.stop();
    }
  }

  it('is what the server starts a fresh embedded store from, unless NEO4J_EMBEDDED_TEMPLATE=false', async () => {
    const copied = await startOnFreshStore({});
    expect(copied.answer).toEqual({ data: { element: { name: 'Neodymium' } } });
    expect(copied.output).toContain('fresh store: a copy of the seeded store template');
    expect(copied.output).not.toContain('loading the seed graph');

    const seeded = await startOnFreshStore({ NEO4J_EMBEDDED_TEMPLATE: 'false' });
    expect(seeded.answer).toEqual({ data: { element: { name: 'Neodymium' } } });
    expect(seeded.output).toContain('the database is empty: loading the seed graph');
    expect(seeded.output).not.toContain('seeded store template');
  }, 420_000);
});
