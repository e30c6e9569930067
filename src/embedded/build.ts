/**
 * The jars and the launcher the embedded Neo4j runs from: fetched, compiled and packed by Maven
 * (neo4j/pom.xml) when missing, or when the launcher's source is newer than its jar.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { LAUNCHER_JAR, LAUNCHER_SOURCE, LIB_DIR, NEO4J_DIR, PLUGINS_DIR, POM_FILE, REPO_ROOT } from './layout';
import { lastLines } from './tail';

const noop = (): void => undefined;

function hasFile(dir: string, pattern: RegExp): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).some((name) => pattern.test(name));
}

/** True when Maven must run: jars missing, launcher jar missing or older than its source, APOC wanted but absent. */
export function jarsMissing(withApoc: boolean): boolean {
  if (!hasFile(LIB_DIR, /^neo4j-bolt-.*\.jar$/) || !hasFile(LIB_DIR, /^neo4j-kernel-.*\.jar$/)) return true;
  // Rebuild when the launcher's source is newer than its jar.
  if (!fs.existsSync(LAUNCHER_JAR)) return true;
  if (fs.existsSync(LAUNCHER_SOURCE) && fs.statSync(LAUNCHER_SOURCE).mtimeMs > fs.statSync(LAUNCHER_JAR).mtimeMs) return true;
  return withApoc && !hasFile(PLUGINS_DIR, /^apoc-core-.*\.jar$/);
}

/** Runs a command to completion; rejects with the command line and its last output lines. */
function run(command: string, args: string[], log: (m: string) => void): Promise<void> {
  const commandLine = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? `${command} not found on PATH (install Maven 3.6+)` : err.message;
      reject(new Error(`\`${commandLine}\` could not run: ${hint}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const tail = lastLines(output);
      if (tail) log(tail);
      reject(new Error(`\`${commandLine}\` failed (${signal ?? `exit code ${code}`}). Last output:\n${tail}`));
    });
  });
}

let fetching: Promise<void> | undefined;

/**
 * Fetches the Neo4j jars into neo4j/lib and compiles the launcher (`mvn package`) unless already
 * done; with `withApoc` also copies APOC into neo4j/plugins. Concurrent calls in one process share
 * one Maven run.
 */
export async function ensureNeo4jJars(options: { withApoc?: boolean; log?: (m: string) => void } = {}): Promise<void> {
  const withApoc = options.withApoc ?? false;
  const log = options.log ?? noop;
  while (fetching) await fetching.catch(noop);
  if (!jarsMissing(withApoc)) return;
  const args = ['-q', '-B', '-f', POM_FILE, 'package', ...(withApoc ? ['-Papoc'] : [])];
  log(`Fetching Neo4j jars and compiling the launcher: mvn ${args.join(' ')} (first run downloads ~125 MB)`);
  fetching = run('mvn', args, log);
  try {
    await fetching;
  } finally {
    fetching = undefined;
  }
  if (jarsMissing(withApoc)) throw new Error(`mvn ${args.join(' ')} succeeded but the jars are still missing in ${NEO4J_DIR}`);
  log('Neo4j jars ready');
}
