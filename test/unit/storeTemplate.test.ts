import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyStoreTemplate, ensureStoreTemplate, isFreshStore } from '../../src/embedded/storeTemplate';

/**
 * The seeded store template's files (src/embedded/storeTemplate.ts), with a `make` that writes files
 * as a Neo4j would; integration/storeTemplate.int.test.ts makes one with a real Neo4j.
 */
describe('the seeded store template', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-template-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes what a stopped Neo4j leaves in its home: the store, its logs and the launcher's pid file. */
  const fakeNeo4j = async (home: string): Promise<void> => {
    fs.mkdirSync(path.join(home, 'data', 'databases', 'neo4j'), { recursive: true });
    fs.writeFileSync(path.join(home, 'data', 'databases', 'neo4j', 'neostore'), 'store');
    fs.mkdirSync(path.join(home, 'logs'));
    fs.writeFileSync(path.join(home, 'embedded-neo4j.pid'), '123');
  };

  it('is made once, keeps only the store, and a fresh store becomes a copy of it', async () => {
    const template = path.join(dir, 'templates', 'store-abc');
    let made = 0;
    const make = async (home: string) => {
      made += 1;
      await fakeNeo4j(home);
    };
    expect(await ensureStoreTemplate(template, make, () => undefined)).toBe(true);
    expect(await ensureStoreTemplate(template, make, () => undefined)).toBe(true);
    expect(made).toBe(1);
    expect(fs.readdirSync(path.dirname(template))).toEqual(['store-abc']);
    expect(fs.readdirSync(template)).toEqual(['data']);

    const dataDir = path.join(dir, 'store');
    expect(isFreshStore(dataDir)).toBe(true);
    fs.mkdirSync(dataDir);
    expect(isFreshStore(dataDir)).toBe(true);
    copyStoreTemplate(template, dataDir);
    expect(isFreshStore(dataDir)).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'data', 'databases', 'neo4j', 'neostore'), 'utf8')).toBe('store');
  });

  it('is copied whole or not at all: a copy that fails halfway leaves the store fresh, and the next one copies it', async () => {
    const template = path.join(dir, 'store-abc');
    await ensureStoreTemplate(template, fakeNeo4j, () => undefined);
    const dataDir = path.join(dir, 'store');
    // Node's copy refuses a named pipe: a copy that fails partway through the store.
    const pipe = path.join(template, 'data', 'databases', 'neo4j', 'zz-pipe');
    execFileSync('mkfifo', [pipe]);
    expect(() => copyStoreTemplate(template, dataDir)).toThrow(/FIFO|pipe/i);
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(isFreshStore(dataDir)).toBe(true);

    // What a killed copy leaves is not a store: the store is still fresh, and the copy replaces it.
    fs.rmSync(pipe);
    fs.mkdirSync(path.join(dataDir, 'data.999.partial', 'databases'), { recursive: true });
    expect(isFreshStore(dataDir)).toBe(true);
    copyStoreTemplate(template, dataDir);
    expect(fs.readdirSync(dataDir)).toEqual(['data']);
    expect(isFreshStore(dataDir)).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'data', 'databases', 'neo4j', 'neostore'), 'utf8')).toBe('store');
  });

  it('is not made when making it fails, leaves nothing behind, and says the store is seeded instead', async () => {
    const template = path.join(dir, 'store-abc');
    const messages: string[] = [];
    const failing = async (home: string) => {
      await fakeNeo4j(home);
      throw new Error('Neo4j did not start');
    };
    expect(await ensureStoreTemplate(template, failing, (m) => messages.push(m))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(messages.at(-1)).toBe('No seeded store template (the store is seeded at start instead): Neo4j did not start');
  });
});
