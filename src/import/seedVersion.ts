import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths';

/**
 * The shipped seed's folder and version, apart from the loader (seed.ts) so that start-up can name the
 * seeded store template (embedded/storeTemplate.ts) before it loads the rest of the server.
 */

/** The seed graph shipped with the project. */
export const DEFAULT_SEED_DIR = projectPath('seed', 'data');

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
