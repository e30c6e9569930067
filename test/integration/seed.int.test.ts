import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { DEFAULT_SEED_DIR, loadSeed } from '../../src/import/seed';
import { contentLines } from '../../src/db/contentHash';
import pino from 'pino';
import { Executor, standaloneExecutor, type StatementObserver } from '../../src/db/executor';
import { ensureSchema } from '../../src/import/importer';
import { SCHEMA_STATEMENTS } from '../../src/db/queries/schema';
import { database, testDriver } from '../support/testServer';

let driver: Driver;
beforeAll(() => {
  driver = testDriver();
});
afterAll(async () => {
  await driver.close();
});

/** Every node and relationship of the knowledge graph with all its properties, one sorted line each. */
const fingerprint = async (): Promise<string> => (await contentLines(db())).join('\n');
const db = () => standaloneExecutor(driver, database, 'seed-test');

describe('seeding', () => {
  it('is idempotent: a second run leaves identical nodes, relationships and properties', async () => {
    const before = await fingerprint();
    const counts = await loadSeed(db());
    expect(counts.nodes).toBeGreaterThan(250);
    expect(await fingerprint()).toBe(before);
  });

  it('cites a source on every node and relationship (redirects of former ids are bookkeeping, not facts)', async () => {
    const { records } = await driver.executeQuery(
      `MATCH (n) WHERE (n:Entity OR n:Figure) AND size(coalesce(n.sourceIds, [])) = 0 RETURN count(n) AS uncitedNodes
       UNION ALL
       MATCH (a)-[r]->() WHERE NOT a:Redirect AND size(coalesce(r.sourceIds, [])) = 0 RETURN count(r) AS uncitedNodes`,
      {},
      { database },
    );
    expect(records.map((r) => r.get('uncitedNodes'))).toEqual([0, 0]);
  });

  it('refuses a seed with a dangling reference, naming file and record, and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-seed-'));
    fs.cpSync(DEFAULT_SEED_DIR, dir, { recursive: true });
    const file = path.join(dir, 'relationships', 'FEEDS.json');
    const feeds = JSON.parse(fs.readFileSync(file, 'utf8')) as { to: string }[];
    feeds[1]!.to = 'fac-does-not-exist';
    fs.writeFileSync(file, JSON.stringify(feeds));
    const nodesFile = path.join(dir, 'nodes', 'Facility.json');
    const facilities = JSON.parse(fs.readFileSync(nodesFile, 'utf8')) as { name: string }[];
    facilities[0]!.name = 'Renamed by a bad seed';
    fs.writeFileSync(nodesFile, JSON.stringify(facilities));

    const before = await fingerprint();
    await expect(loadSeed(db(), dir)).rejects.toThrow(/FEEDS\.json record 2: "to" refers to unknown id "fac-does-not-exist"/);
    expect(await fingerprint()).toBe(before);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the schema at start-up', () => {
  /** An executor that records the name of every statement it runs. */
  const recording = (): { executor: Executor; names: string[] } => {
    const names: string[] = [];
    const observer: StatementObserver = { observe: (statement, work) => (names.push(statement.name), work()) };
    return { names, executor: new Executor({ driver, database, timeoutMs: 60_000, log: pino({ level: 'silent' }), requestId: 'schema-test', observer }) };
  };
  const present = async (): Promise<string[]> =>
    (await driver.executeQuery('SHOW INDEXES YIELD name RETURN name ORDER BY name', {}, { database })).records.map((r) => r.get('name') as string);

  it('creates nothing on a store that has every constraint and index: two reads', async () => {
    await ensureSchema(standaloneExecutor(driver, database, 'schema-test'));
    const { executor, names } = recording();
    await ensureSchema(executor);
    expect(names).toEqual(['schema.present', 'audit.hasOldChanges']);
  });

  it('creates only what is missing, waits for it, and leaves every constraint and index there', async () => {
    const all = await present();
    expect(all).toEqual(expect.arrayContaining(SCHEMA_STATEMENTS.map((s) => s.schemaName)));
    await driver.executeQuery('DROP INDEX source_title', {}, { database });
    await driver.executeQuery('DROP CONSTRAINT redirect_id', {}, { database });
    expect(await present()).not.toEqual(expect.arrayContaining(['source_title']));
    const { executor, names } = recording();
    await ensureSchema(executor);
    expect(names).toEqual(['schema.present', 'schema.redirect_id', 'schema.source_title', 'schema.awaitIndexes', 'audit.hasOldChanges']);
    expect(await present()).toEqual(all);
    const { records } = await driver.executeQuery("SHOW CONSTRAINTS YIELD name, type WHERE name = 'redirect_id' RETURN type", {}, { database });
    expect(records.map((r) => r.get('type'))).toEqual(['UNIQUENESS']);
  });
});
