import path from 'node:path';
import type { Executor } from '../src/db/executor';
import { readImportFiles } from './files';
import { applyImport } from './importer';
import { SeedValidationError, formatProblem, validateSeed, type RawSeed } from './validate';
import type { Driver } from 'neo4j-driver';

/** The seed graph shipped with the project. */
export const DEFAULT_SEED_DIR = path.resolve(__dirname, 'data');

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
export async function loadSeed(driver: Driver, database: string, dir: string = DEFAULT_SEED_DIR): Promise<SeedCounts> {
  const seed = validateSeed(readSeed(dir));
  await applyImport(driver, database, { problems: [], seed }, { atomicLimit: Infinity });
  return { sources: seed.sources.length, nodes: seed.nodes.length, relationships: seed.relationships.length };
}

/** True when the database holds no entity yet (a fresh embedded store, or an empty remote database). */
export async function isGraphEmpty(executor: Executor): Promise<boolean> {
  const [row] = await executor.read<{ empty: boolean }>({ name: 'isGraphEmpty', cypher: 'RETURN NOT EXISTS { MATCH (:Entity) } AS empty' });
  return row?.empty ?? true;
}
