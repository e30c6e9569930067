/**
 * A seeded store to start a fresh embedded store from. Loading the seed into a Neo4j that has just
 * started costs some ten seconds on two cores (each statement planned and run on a cold JVM, then the
 * indexes awaited); copying the few megabytes of a store that already holds it costs milliseconds.
 *
 * The template is made once per seed version and set of Neo4j jars (`storeTemplateDir`) by `make`,
 * which fills a throw-away home and stops its Neo4j, so the copy is of a cleanly shut down store. The
 * schema is not part of its name: a constraint or index added since is created at start, as on any
 * store. It lives under neo4j/target/store-templates/, next to the
 * class archive. A store started from it is an ordinary store: the start-up checks (schema, seed
 * version) run on it as on any other, and find nothing to do.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAUNCHER_JAR, neo4jJars, STORE_TEMPLATE_DIR } from './layout';

/**
 * The directory of the template for a store holding `contents` (the seed's version) written by these
 * Neo4j jars (their names carry Neo4j's version, the store format's): it may not exist yet.
 */
export function storeTemplateDir(contents: string, dir: string = STORE_TEMPLATE_DIR): string {
  const hash = createHash('sha256').update(contents);
  // Neo4j's jars by name (their names carry the version); the launcher's by its size too (one name for every build).
  for (const jar of neo4jJars()) hash.update(`\0${path.basename(jar)}${jar === LAUNCHER_JAR ? `\0${fs.statSync(jar).size}` : ''}`);
  return path.join(dir, `store-${hash.digest('hex').slice(0, 16)}`);
}

/** What a copy of the template writes before renaming it into place (`copyStoreTemplate`). */
const PARTIAL = '.partial';

/** True when `dataDir` holds nothing yet (or only what an interrupted copy left): a store Neo4j has never started on. */
export function isFreshStore(dataDir: string): boolean {
  return !fs.existsSync(dataDir) || fs.readdirSync(dataDir).every((entry) => entry.endsWith(PARTIAL));
}

/**
 * Makes the template `template` unless it exists: true when it exists afterwards. `make(home)` starts a
 * Neo4j on the empty `home`, fills it and stops it. A failure leaves no template (and is logged): the
 * caller then seeds the store itself. Processes making the same template at once each fill a home of
 * their own and rename it into place; the first rename wins.
 */
export async function ensureStoreTemplate(template: string, make: (home: string) => Promise<void>, log: (message: string) => void): Promise<boolean> {
  if (fs.existsSync(template)) return true;
  fs.mkdirSync(path.dirname(template), { recursive: true });
  const home = `${template}.${process.pid}.partial`;
  fs.rmSync(home, { recursive: true, force: true });
  const started = Date.now();
  try {
    log(`Making the seeded store template ${path.basename(template)} (once per seed and Neo4j version)`);
    await make(home);
    // Only the store: the template's logs and pid file say nothing about a store copied from it.
    for (const entry of fs.readdirSync(home)) if (entry !== 'data') fs.rmSync(path.join(home, entry), { recursive: true, force: true });
    try {
      fs.renameSync(home, template);
    } catch (error) {
      if (!fs.existsSync(template)) throw error;
    }
    log(`Seeded store template ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    log(`No seeded store template (the store is seeded at start instead): ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Copies the template's store into the fresh `dataDir`: into a partial directory first, renamed into
 * place once whole, so that a copy that fails halfway (a full disk, a kill) leaves the store fresh, and
 * the next start copies again instead of starting Neo4j on half a store. `dataDir` itself is never
 * replaced: it may be a mount point.
 */
export function copyStoreTemplate(template: string, dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  for (const entry of fs.readdirSync(dataDir)) if (entry.endsWith(PARTIAL)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  for (const entry of fs.readdirSync(template)) {
    const partial = path.join(dataDir, `${entry}.${process.pid}${PARTIAL}`);
    try {
      fs.cpSync(path.join(template, entry), partial, { recursive: true });
      fs.renameSync(partial, path.join(dataDir, entry));
    } finally {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }
}
