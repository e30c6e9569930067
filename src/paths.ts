import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one holding package.json), found from this file's location, so the
 * same code finds schema/, seed/data, examples/, web/dist and neo4j/ whether it runs from src/ (tsx,
 * ts-jest) or from compiled output in dist/.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** A path inside the project, from its root: `projectPath('seed', 'data')`. */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
