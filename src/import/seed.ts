import type { Executor } from '../db/executor';
import { IS_GRAPH_EMPTY } from '../db/queries/import';
import { SET_SEED_VERSION } from '../db/queries/seedUpgrade';
import { SeedValidationError, formatProblem, validateSeed, type RawSeed } from '../domain/validate';
import { DEFAULT_SEED_DIR, seedVersion } from './seedVersion';
import { readImportFiles } from './files';
import { applyImport } from './importer';

export { DEFAULT_SEED_DIR, seedVersion } from './seedVersion';

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

/** True when the database holds no entity yet (a fresh embedded store, or an empty remote database). */
export async function isGraphEmpty(executor: Executor): Promise<boolean> {
  const [row] = await executor.read(IS_GRAPH_EMPTY);
  return row?.empty ?? true;
}
