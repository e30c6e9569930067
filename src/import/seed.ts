import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../db/executor';
import { IS_GRAPH_EMPTY } from '../db/queries/import';
import { SET_SEED_VERSION } from '../db/queries/seedUpgrade';
import { SeedValidationError, formatProblem, validateSeed, type RawSeed } from '../domain/validate';
import { projectPath } from '../paths';
import { readImportFiles } from './files';
import { applyImport } from './importer';

/** The seed graph shipped with the project. */
export const DEFAULT_SEED_DIR = projectPath('seed', 'data');

/** How long loading the seed may take (one transaction). */
export const SEED_TIMEOUT_MS = 300_000;

/**
 * Reads `sources.json`, `nodes/<Label>.json` and `relationships/<TYPE>.json` of a seed folder (CSV files
 * in the same places too, see csv.ts). Throws a `SeedValidationError` naming every unreadable file.
 */
export function readSeed(dir: string = DEFAULT_SEED_DIR): RawSeed {
  const { raw, problems } = readImportFiles(dir, { requireSources: true });
  if (problems.length > 0) throw new SeedValidationError(problems.map(formatProblem), problems);
  return raw;
}

export interface SeedCounts {
  readonly sources: number;
  readonly nodes: number;
  readonly relationships: number;
}

/**
 * Validates the seed, creates constraints and indexes, then writes the whole graph in ONE transaction
 * (all or nothing). Every write is a MERGE on a stable key, so a second run changes nothing.
 */
export async function loadSeed(executor: Executor, dir: string = DEFAULT_SEED_DIR): Promise<SeedCounts> {
  const seed = validateSeed(readSeed(dir));
  const version = seedVersion(dir);
  // The store records which seed it holds, in the same transaction (see seedUpgrade.ts).
  await applyImport(executor, { problems: [], seed }, { atomicLimit: Infinity, onComplete: (tx) => tx.execute(SET_SEED_VERSION, { version }) });
  return { sources: seed.sources.length, nodes: seed.nodes.length, relationships: seed.relationships.length };
}

/** The files of a seed folder (JSON and CSV, any depth), sorted. */
function seedFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return seedFiles(full);
      return /\.(json|csv)$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** The version of a seed folder: a SHA-256 over its files' paths and contents (the first 12 hex digits). */
export function seedVersion(dir: string = DEFAULT_SEED_DIR): string {
  const hash = createHash('sha256');
  for (const file of seedFiles(dir)) hash.update(path.relative(dir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** True when the database holds no entity yet (a fresh embedded store, or an empty remote database). */
export async function isGraphEmpty(executor: Executor): Promise<boolean> {
  const [row] = await executor.read(IS_GRAPH_EMPTY);
  return row?.empty ?? true;
}
