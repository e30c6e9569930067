import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Caller } from '../../src/auth';
import { contentLines } from '../../src/db/contentHash';
import { standaloneExecutor } from '../../src/db/executor';
import { loadSeed, seedVersion } from '../../src/import/seed';
import { needsSeedUpgrade, upgradeSeed } from '../../src/import/seedUpgrade';
import { createApp, type App } from '../../src/server';
import { startScratchNeo4j, type ScratchNeo4j } from '../../harness/scratchNeo4j';
import { startServerProcess } from '../../harness/serverProcess';
import { appConfig, execute, testContext } from '../support/testServer';

/**
 * Upgrading a store seeded by the previous release (issue 13, point 4): the seed files of commit
 * 61f3201 (the release before the corrections) are loaded into a scratch Neo4j, curators change a few
 * things through the API, then the store is upgraded to the current seed. The result must equal a fresh
 * load of the current seed with the same curated changes, and a curated record the seed also changed
 * keeps its curated state and is reported.
 */
const PREVIOUS_RELEASE = '61f3201';
const REPO = path.resolve(__dirname, '..', '..');
const CURATOR: Caller = { name: 'curator-upgrade', role: 'writer' };
const SOURCE = [{ id: 'tass-ru-25560623' }];

let scratch: ScratchNeo4j;
let app: App;
let previousRelease: string;

/**
 * The previous release's tree (`git archive`), sharing this checkout's node_modules, so its own seed
 * command (its validator, its stored form) writes the store as that release did.
 */
function releaseAt(commit: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-previous-release-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: REPO });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const db = () => standaloneExecutor(scratch.driver, 'neo4j', 'seed-upgrade-test');
const wipe = async () => {
  await scratch.driver.executeQuery('MATCH (n) DETACH DELETE n', {}, { database: 'neo4j' });
};
/** A store as the previous release left it: seeded by its own `npm run seed`. */
const seedPreviousRelease = async () => {
  await wipe();
  execFileSync(process.execPath, ['--import', 'tsx', 'seed/cli.ts'], {
    cwd: previousRelease,
    env: { PATH: process.env.PATH ?? '', NEO4J_URI: scratch.uri, LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
};

async function curate(): Promise<void> {
  const run = async (query: string, variables: Record<string, unknown>) => {
    const result = await execute(app, testContext(scratch.driver, { requestId: 'curation', caller: CURATOR }), query, variables);
    expect(result.errors).toBeUndefined();
  };
  await run(`mutation ($input: CompanyInput!, $sources: [SourceInput!]!) { upsertCompany(input: $input, sources: $sources) { created } }`, {
    input: { id: 'co-curated-trader', name: 'Curated Trader', kind: 'trading company' },
    sources: SOURCE,
  });
  await run(`mutation ($input: ElementInput!, $sources: [SourceInput!]!) { upsertElement(input: $input, sources: $sources) { created } }`, {
    input: { id: 'el-nd', description: 'curated: the key NdFeB magnet element' },
    sources: SOURCE,
  });
  await run(`mutation ($input: LinkInput!, $sources: [SourceInput!]!) { connect(input: $input, sources: $sources) { created } }`, {
    input: { type: 'OPERATES', from: 'co-curated-trader', to: 'fac-khimmed' },
    sources: SOURCE,
  });
  // The current seed changes this facility too: a conflict, where the curated state must win.
  await run(`mutation ($input: FacilityInput!, $sources: [SourceInput!]!) { upsertFacility(input: $input, sources: $sources) { created } }`, {
    input: { id: 'fac-neo-narva', statusNote: 'curated: checked on site' },
    sources: SOURCE,
  });
}

const isNarvaNode = (line: string): boolean => line.startsWith('[') && line.includes('"id":"fac-neo-narva"');

beforeAll(async () => {
  previousRelease = releaseAt(PREVIOUS_RELEASE);
  scratch = await startScratchNeo4j('seed-upgrade');
  app = await createApp({ config: appConfig(), driver: scratch.driver, log: pino({ level: 'silent' }) });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await scratch?.close();
  fs.rmSync(previousRelease, { recursive: true, force: true });
});

describe('seed upgrade', () => {
  it('turns a previous-release store with curated changes into a fresh seed plus the same changes, keeping curated conflicts', async () => {
    await seedPreviousRelease();
    await curate();
    expect(await needsSeedUpgrade(db())).toBe(true);

    const report = await upgradeSeed(db());
    expect(report.previous).toBeNull();
    expect(report.version).toBe(seedVersion());
    expect(report.conflicts).toEqual([expect.stringContaining('"fac-neo-narva": curated')]);
    expect(report.removed.relationships).toBeGreaterThan(0);
    const upgraded = await contentLines(db());
    // The relationship the corrected seed dropped is gone; the curated ones stay.
    expect(upgraded.some((line) => line.startsWith('co-us-dod-[SUPPLIES]->co-mp'))).toBe(false);
    expect(upgraded.some((line) => line.startsWith('co-curated-trader-[OPERATES]->fac-khimmed'))).toBe(true);
    const narva = upgraded.find(isNarvaNode) ?? '';
    expect(narva).toContain('"statusNote":"curated: checked on site"');
    expect(narva).toContain('"status":"under-construction"'); // the curated record, not the seed's correction

    await wipe();
    await loadSeed(db());
    await curate();
    const fresh = await contentLines(db());
    expect(upgraded.filter((line) => !isNarvaNode(line))).toEqual(fresh.filter((line) => !isNarvaNode(line)));
  }, 180_000);

  it('records one SEED_UPGRADE entry and the seed version; a second run changes nothing', async () => {
    await seedPreviousRelease();
    await upgradeSeed(db());
    const entries = async () =>
      (await scratch.driver.executeQuery("MATCH (c:Change {action: 'SEED_UPGRADE'}) RETURN count(c) AS n", {}, { database: 'neo4j' })).records[0]?.get('n');
    expect(await entries()).toBe(1);
    expect(await needsSeedUpgrade(db())).toBe(false);
    const before = await contentLines(db());
    const again = await upgradeSeed(db());
    expect(again).toMatchObject({ written: { nodes: 0, relationships: 0 }, removed: { nodes: 0, relationships: 0 }, conflicts: [] });
    expect(await entries()).toBe(1);
    expect(await contentLines(db())).toEqual(before);
  }, 120_000);

  it('is done by the server at start-up on a previous-release store, once, and logged', async () => {
    await seedPreviousRelease();
    const env = { NEO4J_URI: scratch.uri, LOG_LEVEL: 'info' };
    const first = await startServerProcess(env);
    try {
      const line = await first.waitForLine((l) => l.includes('seed upgraded'), 30_000);
      expect(JSON.parse(line)).toMatchObject({ version: seedVersion(), previous: null });
    } finally {
      await first.stop();
    }
    const second = await startServerProcess(env);
    try {
      expect(second.output()).toContain('GraphQL server ready');
      expect(second.output()).not.toContain('seed upgraded');
    } finally {
      await second.stop();
    }
  }, 180_000);
});
