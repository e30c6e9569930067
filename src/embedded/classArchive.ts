/**
 * A class-data-sharing archive for the embedded Neo4j (JDK dynamic CDS, JEP 350): the JVM maps the
 * classes Neo4j loads at start-up from one file instead of reading, verifying and parsing them from
 * some 200 jars each time. On a 2-core machine that took the JVM from 10.9–13.5 s to 7.8–8.4 s to
 * `NEO4J_READY` (docs/performance.md, "Start-up").
 *
 * The archive is made once per class path by a training run (Neo4j started on a throw-away store with
 * `-XX:ArchiveClassesAtExit` and stopped once ready: about half a minute), and used by every later
 * start (`-XX:SharedArchiveFile`). Its name is a hash of the JDK, the class path's jars (where they are,
 * names, sizes, times) and the JVM's flags, so another JDK or new jars get a new archive. A class path that only adds jars after these (APOC's)
 * uses it too. A JVM that cannot use an archive (another JDK, say) warns and starts without it; a
 * training run that fails leaves no archive and the start goes on without one.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { freePort } from '../net';
import { CLASS_ARCHIVE_DIR, LAUNCHER_JAR, LAUNCHER_MAIN, LIB_DIR, neo4jJars, REPO_ROOT } from './layout';

/** How long a training run may take before it is given up (the start goes on without an archive). */
const TRAINING_TIMEOUT_MS = 180_000;

/** The class path every embedded Neo4j starts with: Neo4j's jars, then the launcher's. */
export const BASE_CLASS_PATH: readonly string[] = [path.join(LIB_DIR, '*'), LAUNCHER_JAR];

/**
 * The JDK a java command runs: its `lib/modules` (the JDK's own classes; every JDK build has its own),
 * found through the binary's real path. Empty when the command cannot be found.
 */
function jdkIdentity(java: string): string {
  const candidates = java.includes(path.sep) ? [java] : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, java));
  const binary = candidates.find((candidate) => fs.existsSync(candidate));
  if (!binary) return '';
  const modules = path.join(path.dirname(path.dirname(fs.realpathSync(binary))), 'lib', 'modules');
  if (!fs.existsSync(modules)) return fs.realpathSync(binary);
  const { size, mtimeMs } = fs.statSync(modules);
  return `${modules}\0${size}\0${mtimeMs}`;
}

/** The archive for this JDK, class path and JVM flags (it may not exist yet). */
export function classArchiveFile(java: string, jvmFlags: readonly string[], dir: string = CLASS_ARCHIVE_DIR): string {
  // The class path's places too: the JVM refuses an archive made with the same jars elsewhere.
  const hash = createHash('sha256').update(jdkIdentity(java)).update('\0').update(jvmFlags.join('\0')).update(`\0${LIB_DIR}\0${LAUNCHER_JAR}`);
  for (const jar of neo4jJars()) {
    const { size, mtimeMs } = fs.statSync(jar);
    hash.update(`\0${path.basename(jar)}\0${size}\0${mtimeMs}`);
  }
  return path.join(dir, `neo4j-${hash.digest('hex').slice(0, 16)}.jsa`);
}

const training = new Map<string, Promise<boolean>>();

/**
 * Makes the archive `file` unless it exists: true when it exists afterwards. One training run per file
 * per process; processes training at once each write a file of their own and rename it into place.
 */
export function ensureClassArchive(java: string, jvmFlags: readonly string[], file: string, log: (message: string) => void): Promise<boolean> {
  if (fs.existsSync(file)) return Promise.resolve(true);
  let run = training.get(file);
  if (!run) {
    run = train(java, jvmFlags, file, log).finally(() => training.delete(file));
    training.set(file, run);
  }
  return run;
}

async function train(java: string, jvmFlags: readonly string[], file: string, log: (message: string) => void): Promise<boolean> {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-cds-'));
  const started = Date.now();
  log(`Making the class-data-sharing archive of the embedded Neo4j (once per set of jars): ${path.relative(REPO_ROOT, file)}`);
  try {
    const args = [
      '-Xms512m',
      '-Xmx512m',
      ...jvmFlags,
      `-XX:ArchiveClassesAtExit=${partial}`,
      '-cp',
      BASE_CLASS_PATH.join(path.delimiter),
      LAUNCHER_MAIN,
      `--port=${await freePort()}`,
      `--home=${home}`,
      '--pageCache=64m',
      '--watchStdin=true',
    ];
    const child = spawn(java, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => undefined);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    const lines = readline.createInterface({ input: child.stdout });
    // Ready (or gone): closing stdin then stops it cleanly, and the JVM writes the archive as it exits.
    lines.on('line', (line) => {
      if (line.startsWith('NEO4J_READY ')) child.stdin.end();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TRAINING_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    lines.close();
    if (code !== 0 || !fs.existsSync(partial)) {
      log(`No class-data-sharing archive (the training run exited with ${code}); Neo4j starts without one`);
      return false;
    }
    for (const old of fs.readdirSync(dir)) if (old.endsWith('.jsa')) fs.rmSync(path.join(dir, old), { force: true });
    fs.renameSync(partial, file);
    log(`Class-data-sharing archive made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    log(`No class-data-sharing archive (${error instanceof Error ? error.message : String(error)}); Neo4j starts without one`);
    return false;
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}
