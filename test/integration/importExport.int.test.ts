import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { contentHash } from '../../src/db/contentHash';
import { exportGraph, writeSeedFolder } from '../../src/import/exporter';
import { readImportFiles } from '../../src/import/files';
import { ImportRefusedError, applyImport, findKnownIds, planImport, type ApplyOptions, type ImportPlan } from '../../src/import/importer';
import { standaloneExecutor } from '../../src/db/executor';
import { DEFAULT_SEED_DIR, loadSeed, readSeed } from '../../src/import/seed';
import { startScratchNeo4j, type ScratchNeo4j } from '../../harness/scratchNeo4j';
import { CREATE_RELATIONSHIPS, UPSERT_ENTITIES, UPSERT_FIGURES } from '../../src/db/queries/import';
import type { Query } from '../../src/db/executor';

/**
 * The bulk import and export against a real Neo4j of their own (a scratch store: the shared test database
 * stays as it is). Each test starts from the seed graph, or wipes the store when it needs it empty.
 */

const database = 'neo4j';
const SAMPLES = path.resolve(__dirname, '../../seed/samples');
let scratch: ScratchNeo4j;
let seedHash: string;
let emptyHash: string;
let tmp: string;

async function wipe(): Promise<void> {
  await scratch.driver.executeQuery('MATCH (n) DETACH DELETE n', {}, { database });
}

async function reseed(): Promise<void> {
  await wipe();
  await loadSeed(db());
}

/** The test's executor on the scratch database. */
const db = () => standaloneExecutor(scratch.driver, database, 'import-export-test');
const hash = (): Promise<string> => contentHash(db());

/** Reads a file or folder and validates it against the database, as the CLI does. */
async function plan(target: string): Promise<ImportPlan & { fileProblems: number }> {
  const files = readImportFiles(target);
  const known = await db().readTransaction('test.knownIds', (tx) => findKnownIds(tx, files.raw));
  return { ...planImport(files.raw, known), fileProblems: files.problems.length };
}

async function importFrom(target: string, options: ApplyOptions = {}) {
  const checked = await plan(target);
  expect(checked.problems).toEqual([]);
  expect(checked.fileProblems).toBe(0);
  return applyImport(db(), checked, options);
}

/** Writes a folder of files (relative path → content) under the temp dir. */
function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** One CSV with a good row and three bad ones (a bad year, a dangling reference, a missing source) between a blank line and a quoted line break. */
function badImport(): string {
  return folder('bad', {
    'nodes/Facility.csv': fs.readFileSync(path.join(SAMPLES, 'nodes/Facility.csv'), 'utf8'),
    'relationships/FEEDS.csv': [
      'from,to,status,material,product,startYear,confidence,sources',
      'fac-lynas-malaysia,fac-lynas-hre-expansion,planned,HRE feedstock,prod-middle-ree-conc,3030,stated,processonline-lynas-hre',
      '',
      'fac-lynas-malaysia,fac-nowhere,planned,"mixed',
      'heavy rare earths",prod-middle-ree-conc,2026,stated,processonline-lynas-hre',
      'fac-lynas-hre-expansion,fac-lynas-malaysia,planned,samarium,prod-middle-ree-conc,2026,stated,',
      'fac-lynas-kalgoorlie,fac-lynas-hre-expansion,planned,HRE feedstock,prod-mixed-re-carbonate,2026,stated,seaisi-lynas-kalgoorlie-2024|processonline-lynas-hre',
      '',
    ].join('\n'),
  });
}

const run = promisify(execFile);

/** Runs `npm run import -- …` as a user would (no TTY: plain progress lines), against the scratch store. */
async function importCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { NEO4J_PASSWORD: _password, ...env } = process.env;
  try {
    const { stdout, stderr } = await run(path.join('node_modules', '.bin', 'tsx'), ['seed/importCli.ts', ...args], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...env, NEO4J_URI: scratch.uri, NEO4J_DATABASE: database, LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-import-'));
  scratch = await startScratchNeo4j('import');
  emptyHash = await hash();
  await loadSeed(db());
  seedHash = await hash();
}, 240_000);

afterAll(async () => {
  await scratch?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('export → import', () => {
  it('gives back the same graph in an empty database (identical content hash), from a byte-identical export', async () => {
    const graph = await exportGraph(db());
    expect(graph.warnings).toEqual([]);
    const files = writeSeedFolder(path.join(tmp, 'export'), graph);
    expect(files).toEqual(expect.arrayContaining(['sources.json', 'nodes/Facility.json', 'nodes/Figure.json', 'relationships/FEEDS.json', 'relationships/HAS_FIGURE.json']));
    // The export is the seed again, record for record (the seed files only order records differently).
    const seedFeeds = JSON.parse(fs.readFileSync(path.join(DEFAULT_SEED_DIR, 'relationships/FEEDS.json'), 'utf8')) as object[];
    const exportedFeeds = JSON.parse(fs.readFileSync(path.join(tmp, 'export/relationships/FEEDS.json'), 'utf8')) as object[];
    expect(exportedFeeds).toHaveLength(seedFeeds.length);
    expect(exportedFeeds).toEqual(expect.arrayContaining(seedFeeds));

    await wipe();
    expect(await hash()).toBe(emptyHash);
    const result = await importFrom(path.join(tmp, 'export'));
    expect(result).toMatchObject({ mode: 'atomic', batches: 1, written: { sources: 175, nodes: 288 } });
    expect(await hash()).toBe(seedHash);

    writeSeedFolder(path.join(tmp, 'export-again'), await exportGraph(db()));
    for (const file of files) expect(fs.readFileSync(path.join(tmp, 'export-again', file), 'utf8')).toBe(fs.readFileSync(path.join(tmp, 'export', file), 'utf8'));
  }, 120_000);

  it('exports the subgraph around given ids, which imports on its own into an empty database', async () => {
    await reseed();
    const graph = await exportGraph(db(), { around: ['fac-glazov-magnet'], hops: 1 });
    const ids = [...graph.nodes.values()].flat().map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['fac-glazov-magnet', 'fac-smz-separation', 'prod-ndfeb-magnet']));
    expect(ids).not.toContain('dep-lovozero');
    writeSeedFolder(path.join(tmp, 'around'), graph);
    await wipe();
    await importFrom(path.join(tmp, 'around'));
    const { records } = await scratch.driver.executeQuery('MATCH (n:Entity) RETURN count(n) AS n', {}, { database });
    expect(records[0]?.get('n')).toBe(ids.length);
    await expect(exportGraph(db(), { around: ['fac-nowhere'] })).rejects.toThrow('no entity or figure has the id "fac-nowhere"');
  }, 120_000);
});

describe('validation', () => {
  it('reports exactly the three bad lines of a CSV (file, CSV line, field) and writes nothing', async () => {
    await reseed();
    const checked = await plan(badImport());
    const file = path.join(tmp, 'bad/relationships/FEEDS.csv'); // outside the working directory: shown absolute
    expect(checked.fileProblems).toBe(0);
    expect(checked.problems).toEqual([
      { file, line: 2, field: 'startYear', reason: 'a year up to 2100' },
      { file, line: 4, field: 'to', reason: 'refers to unknown id "fac-nowhere"' },
      { file, line: 6, field: 'sources', reason: 'required' },
    ]);
    // The good records passed, and referred to ids in the database and in the import itself.
    expect(checked.counts).toEqual({ sources: 0, nodes: 1, relationships: 1 });
    await expect(applyImport(db(), checked)).rejects.toBeInstanceOf(ImportRefusedError);
    expect(await hash()).toBe(seedHash);
  }, 120_000);

  it('refuses a record whose id is another kind of node in the database', async () => {
    await reseed();
    const dir = folder('kind', { 'nodes/Company.csv': 'id,name,kind,sources\nfac-smz,SMZ,company,interfax-lgok-2023-06\n' });
    expect((await plan(dir)).problems).toEqual([expect.objectContaining({ line: 2, field: 'id', reason: '"fac-smz" is a Facility in the database, not a Company' })]);
  }, 60_000);
});

describe('CSV import', () => {
  it('lands the sample facility and its relationship, typed as the schema says, next to the graph it refers to', async () => {
    await reseed();
    const result = await importFrom(SAMPLES);
    expect(result.written).toEqual({ sources: 0, nodes: 1, relationships: 1 });
    const { records } = await scratch.driver.executeQuery(
      `MATCH (f:Entity:Facility {id: 'fac-lynas-hre-expansion'})-[r:PART_OF]->(p:Facility {id: 'fac-lynas-malaysia'})
       RETURN properties(f) AS f, properties(r) AS r`,
      {},
      { database },
    );
    expect(records).toHaveLength(1);
    expect(records[0]?.get('f')).toMatchObject({
      name: 'Lynas Malaysia heavy rare earths separation expansion',
      aliases: ['Lynas HRE facility', 'Kuantan HRE expansion'],
      status: 'planned',
      capacityValue: 5000,
      capacityUnit: 't/yr HRE feedstock',
      detailsJson: '{"investmentAUD":180000000,"firstProduct":"samarium (April 2026)"}',
      sourceIds: ['processonline-lynas-hre'],
    });
    expect(records[0]?.get('r')).toMatchObject({ key: 'PART_OF:fac-lynas-hre-expansion->fac-lynas-malaysia', note: 'expansion of the Malaysian separation facility' });
    // A single file: its label comes from its name.
    expect((await plan(path.join(SAMPLES, 'nodes/Facility.csv'))).counts).toEqual({ sources: 0, nodes: 1, relationships: 0 });
  }, 120_000);
});

describe('completion step (where the CLI writes its audit entry)', () => {
  it('runs in the transaction of the data: when it fails, the import is not written', async () => {
    await reseed();
    const failing = async (): Promise<void> => {
      throw new Error('audit entry refused');
    };
    await expect(importFrom(SAMPLES, { onComplete: failing })).rejects.toThrow('audit entry refused');
    expect(await hash()).toBe(seedHash);
    // In batches it runs in the last one: the last batch goes back with it (a rerun completes the import).
    await expect(importFrom(SAMPLES, { atomicLimit: 0, batchSize: 1, onComplete: failing })).rejects.toThrow('audit entry refused');
    const { records } = await scratch.driver.executeQuery(`MATCH (:Facility {id: 'fac-lynas-hre-expansion'})-[r:PART_OF]->() RETURN count(r) AS n`, {}, { database });
    expect(Number(records[0]?.get('n'))).toBe(0);
  }, 120_000);
});

describe('batches', () => {
  it('converge to the same graph after an interruption and when run twice', async () => {
    const options = { atomicLimit: 0, batchSize: 97 };
    await wipe();
    const interrupt = ({ batch }: { batch: number }): void => {
      if (batch === 4) throw new Error('interrupted after batch 4');
    };
    await expect(importFrom(DEFAULT_SEED_DIR, { ...options, onProgress: interrupt })).rejects.toThrow('interrupted after batch 4');
    const partial = await hash();
    expect(partial).not.toBe(seedHash);
    expect(partial).not.toBe(emptyHash);

    const first = await importFrom(DEFAULT_SEED_DIR, options);
    const seed = readSeed();
    const records = seed.sources.length + [...seed.nodes, ...seed.relationships].reduce((sum, group) => sum + group.records.length, 0);
    expect(first).toMatchObject({ mode: 'batches', batches: Math.ceil(records / 97) });
    expect(await hash()).toBe(seedHash);
    await importFrom(DEFAULT_SEED_DIR, options);
    expect(await hash()).toBe(seedHash);
  }, 180_000);
});

describe('the write statements', () => {
  const write = (query: Query<unknown>, rows: object[]) => db().writeTransaction('test.write', (tx) => tx.run(query, { rows }));
  const props = { id: 'el-test', name: 'Testium', sourceIds: ['s-test'] };

  it('tell which entities they created, and write a relationship with a new end once', async () => {
    await wipe();
    expect(await write(UPSERT_ENTITIES, [{ id: 'el-test', label: 'Element', props }])).toEqual([{ labels: ['Entity', 'Element'], props, created: true }]);
    expect(await write(UPSERT_ENTITIES, [{ id: 'el-test', label: 'Element', props }])).toEqual([{ labels: ['Entity', 'Element'], props, created: false }]);
    const figure = { id: 'fig-test', sourceIds: ['s-test'] };
    expect(await write(UPSERT_FIGURES, [{ id: 'fig-test', label: 'Figure', props: figure }])).toEqual([{ labels: ['Figure'], props: figure, created: true }]);
    const link = { type: 'HAS_FIGURE', from: 'el-test', to: 'fig-test', key: 'HAS_FIGURE:el-test->fig-test', props: { key: 'HAS_FIGURE:el-test->fig-test', sourceIds: ['s-test'] } };
    expect(await write(CREATE_RELATIONSHIPS, [link])).toHaveLength(1);
    // A figure is no end for an entity's relationship, nor an entity for HAS_FIGURE: no row, nothing written.
    expect(await write(CREATE_RELATIONSHIPS, [{ ...link, type: 'USED_IN' }, { ...link, to: 'el-test' }])).toEqual([]);
    const { records } = await scratch.driver.executeQuery('MATCH ()-[r]->() RETURN type(r) AS type, r.key AS key', {}, { database });
    expect(records.map((r) => [r.get('type'), r.get('key')])).toEqual([['HAS_FIGURE', 'HAS_FIGURE:el-test->fig-test']]);
  });

  it('write nothing for a label or a type outside the allow-list (the rows carry them as values)', async () => {
    await wipe();
    expect(await write(UPSERT_ENTITIES, [{ id: 'x-1', label: 'Change', props: { id: 'x-1' } }, { id: 'x-2', label: 'Figure', props: { id: 'x-2' } }])).toEqual([]);
    await write(UPSERT_ENTITIES, [{ id: 'a', label: 'Region', props: { id: 'a' } }, { id: 'b', label: 'Region', props: { id: 'b' } }]);
    expect(await write(CREATE_RELATIONSHIPS, [{ type: 'KNOWS', from: 'a', to: 'b', key: 'k', props: { key: 'k' } }])).toEqual([]);
    const { records } = await scratch.driver.executeQuery('MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN collect(DISTINCT n.id) AS ids, count(r) AS links', {}, { database });
    expect(records[0]?.get('ids')).toEqual(expect.arrayContaining(['a', 'b']));
    expect(records[0]?.get('ids')).toHaveLength(2);
    expect(Number(records[0]?.get('links'))).toBe(0);
  });
});

describe('npm run import', () => {
  it('prints every problem as file:line: field: reason and exits 1 without writing; a valid dry run exits 0', async () => {
    await reseed();
    const bad = await importCli(badImport(), '--dry-run');
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/bad\/relationships\/FEEDS\.csv:2: startYear: a year up to 2100$/),
      expect.stringMatching(/bad\/relationships\/FEEDS\.csv:4: to: refers to unknown id "fac-nowhere"$/),
      expect.stringMatching(/bad\/relationships\/FEEDS\.csv:6: sources: required$/),
    ]);
    expect(lines[3]).toMatch(/^3 problems .*nothing was written\.$/);
    expect(await hash()).toBe(seedHash);

    const dry = await importCli(SAMPLES, '--dry-run');
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toMatch(/^Dry run: 2 file\(s\), 2 valid records .*nothing was written\.\n$/);
    expect(await hash()).toBe(seedHash);

    const real = await importCli(SAMPLES, '--batch-size', '1', '--atomic-limit', '0');
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/imported 2\/2 records \(batch 2\/2\)/);
    expect(real.stdout).toMatch(/Imported 2 records .* in 2 batches of up to 1 /);
    expect(await hash()).not.toBe(seedHash);
    // The import is in the audit trail, under the operating-system user who ran it.
    const audit = await scratch.driver.executeQuery(
      "MATCH (c:Change {action: 'IMPORT'}) WHERE 'fac-lynas-hre-expansion' IN c.entityIds RETURN c.actor AS actor",
      {},
      { database },
    );
    expect(audit.records.map((r) => String(r.get('actor')))).toEqual([`cli:${os.userInfo().username}`]);

    const usage = await importCli('--batch-size', 'many');
    expect(usage.code).toBe(2);
  }, 180_000);
});
