/**
 * Starts a real Neo4j (Community Edition, embedded in a small Java launcher) as a child process,
 * so development and tests need neither Docker nor a Neo4j installation - only Java 17+ and Maven
 * (to fetch the jars once into neo4j/lib, see neo4j/pom.xml).
 *
 * Protocol with neo4j/src/main/java/local/graph/EmbeddedNeo4j.java: one `NEO4J_READY <uri>` line on
 * stdout when Bolt accepts connections, `NEO4J_FAILED <message>` on stderr when start-up fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface EmbeddedNeo4jOptions {
  port: number; // Bolt port on 127.0.0.1
  dataDir: string; // Neo4j home / data directory (created if missing)
  heap: string; // JVM heap, e.g. "512m" -> -Xms/-Xmx
  pageCache: string; // e.g. "256m"
  password?: string; // enables auth with this password for user neo4j (at least 8 characters)
  withApoc?: boolean; // add neo4j/plugins (apoc) - fetched with the apoc profile when missing
  startTimeoutMs?: number; // default 120_000; counted from the JVM spawn (jar fetching excluded)
  log?: (message: string) => void; // progress lines (fetching jars, starting, ready, stopped)
}

export interface EmbeddedNeo4j {
  readonly uri: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '../..');
const NEO4J_DIR = path.join(REPO_ROOT, 'neo4j');
const LIB_DIR = path.join(NEO4J_DIR, 'lib');
const PLUGINS_DIR = path.join(NEO4J_DIR, 'plugins');
const CLASSES_DIR = path.join(NEO4J_DIR, 'target', 'classes');
const LAUNCHER_SOURCE = path.join(NEO4J_DIR, 'src', 'main', 'java', 'local', 'graph', 'EmbeddedNeo4j.java');
const LAUNCHER_CLASS = path.join(CLASSES_DIR, 'local', 'graph', 'EmbeddedNeo4j.class');
const PID_FILE = 'embedded-neo4j.pid'; // inside dataDir, written once the store lock is ours

// The flags the Neo4j server script passes to the JVM (see neo4j.conf).
const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+ExitOnOutOfMemoryError',
];
const TAIL_LINES = 30;
const STOP_TIMEOUT_MS = 30_000;
const noop = (): void => undefined;

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set and holds a java binary, else `java` from PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const javaHome = env.JAVA_HOME;
  if (javaHome) {
    const candidate = path.join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'java';
}

function hasFile(dir: string, pattern: RegExp): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).some((name) => pattern.test(name));
}

function jarsMissing(withApoc: boolean): boolean {
  if (!hasFile(LIB_DIR, /^neo4j-bolt-.*\.jar$/) || !hasFile(LIB_DIR, /^neo4j-kernel-.*\.jar$/)) return true;
  // Recompile when the launcher source is newer than its class.
  if (!fs.existsSync(LAUNCHER_CLASS)) return true;
  if (fs.existsSync(LAUNCHER_SOURCE) && fs.statSync(LAUNCHER_SOURCE).mtimeMs > fs.statSync(LAUNCHER_CLASS).mtimeMs) {
    return true;
  }
  return withApoc && !hasFile(PLUGINS_DIR, /^apoc-core-.*\.jar$/);
}

function lastLines(text: string, count = TAIL_LINES): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
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
  const args = ['-q', '-B', '-f', path.join('neo4j', 'pom.xml'), 'package', ...(withApoc ? ['-Papoc'] : [])];
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

/** The last lines of a possibly large log file (reads at most its last 64 KiB). */
function tailFile(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return lastLines(buffer.toString('utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(none)';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Explains a store-lock failure: another process (maybe a leftover one) owns the data directory. */
function lockHint(dataDir: string, text: string): string {
  if (!/lock(ed)? by another process|FileLockException|store_lock|Unable to obtain lock/i.test(text)) return '';
  let owner = 'another process';
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) owner = `a Neo4j process that is still running (pid ${pid})`;
  } catch {
    // no pid file: the owner was not started by this module
  }
  return `The data directory ${dataDir} is locked by ${owner}: stop it or use another dataDir. `;
}

/** SIGTERM (Neo4j checkpoints and exits), SIGKILL after `timeoutMs`; resolves once the process has exited. */
function terminate(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function checkSize(name: string, value: string): void {
  if (!/^\d+[kmgKMG]?$/.test(value)) throw new Error(`${name} must look like "512m" or "1g", got "${value}"`);
}

export async function startEmbeddedNeo4j(options: EmbeddedNeo4jOptions): Promise<EmbeddedNeo4j> {
  const { port, heap, pageCache, password, withApoc = false, startTimeoutMs = 120_000 } = options;
  const log = options.log ?? noop;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid Bolt port: ${port}`);
  checkSize('heap', heap);
  checkSize('pageCache', pageCache);
  if (password !== undefined && password.length < 8) throw new Error('Neo4j passwords need at least 8 characters');

  await ensureNeo4jJars({ withApoc, log });
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });

  const java = findJava();
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ...JVM_FLAGS,
    '-cp',
    // As in the Neo4j server, plugins are on the classpath too: APOC registers its extensions
    // (ApocConfig etc.) through ServiceLoader, which only sees the application classpath.
    [path.join(LIB_DIR, '*'), CLASSES_DIR, ...(withApoc ? [path.join(PLUGINS_DIR, '*')] : [])].join(path.delimiter),
    'local.graph.EmbeddedNeo4j',
    `--port=${port}`,
    `--home=${dataDir}`,
    `--pageCache=${pageCache}`,
    // The JVM shuts down cleanly when our end of its stdin closes, e.g. if this process dies.
    '--watchStdin=true',
    ...(withApoc ? [`--plugins=${PLUGINS_DIR}`] : []),
  ];
  // Passed through the environment so it never appears in `ps`; removed when not wanted so an
  // inherited variable cannot switch auth on by surprise.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NEO4J_EMBEDDED_PASSWORD;
  if (password !== undefined) env.NEO4J_EMBEDDED_PASSWORD = password;

  log(`Starting embedded Neo4j on 127.0.0.1:${port} (data ${dataDir}, heap ${heap}, page cache ${pageCache})`);
  const startedAt = Date.now();
  // A process group of its own (`detached`): Ctrl-C in a terminal signals the whole foreground group, and
  // Neo4j must keep running until the server has drained and stops it. If this process dies instead, the
  // JVM still goes: it shuts down when its stdin closes.
  const child = spawn(java, args, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin.on('error', noop); // EPIPE once the JVM is gone is expected

  const stderrTail: string[] = [];
  let failure = '';
  let onReady: (uri: string) => void = noop;
  const ready = new Promise<string>((resolve) => {
    onReady = resolve;
  });

  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^NEO4J_READY (\S+)$/.exec(line);
    if (match?.[1]) onReady(match[1]);
    log(`[neo4j] ${line}`);
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > TAIL_LINES) stderrTail.shift();
    if (line.startsWith('NEO4J_FAILED ')) failure = line.slice('NEO4J_FAILED '.length);
    log(`[neo4j:err] ${line}`);
  });

  // 'close' comes after both output streams ended, i.e. after readline has seen every line.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ENOENT' ? `Java not found (${java}): install Java 17 or 21, or set JAVA_HOME` : err.message),
    );
    child.once('exit', (code, signal) => resolve(`the JVM exited early (${signal ?? `exit code ${code}`})`));
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no NEO4J_READY line within ${startTimeoutMs} ms`), startTimeoutMs);
  });

  const outcome = await Promise.race([
    ready.then((uri) => ({ uri })),
    exited.then((reason) => ({ reason })),
    timedOut.then((reason) => ({ reason })),
  ]);
  clearTimeout(timer);

  if ('reason' in outcome) {
    await terminate(child, 10_000); // release the store lock before the caller retries
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    const debugLog = tailFile(path.join(dataDir, 'logs', 'debug.log'));
    const details = [failure, stderrTail.join('\n'), debugLog].join('\n');
    throw new Error(
      `Embedded Neo4j failed to start: ${lockHint(dataDir, details)}${failure || outcome.reason}\n` +
        `--- stderr (last ${TAIL_LINES} lines) ---\n${stderrTail.join('\n') || '(empty)'}\n` +
        `--- ${path.join(dataDir, 'logs', 'debug.log')} (last ${TAIL_LINES} lines) ---\n${debugLog}`,
    );
  }

  let stopping: Promise<void> | undefined;
  const pidFile = path.join(dataDir, PID_FILE);
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  log(`Embedded Neo4j ready at ${outcome.uri} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (pid ${child.pid})`);
  child.once('exit', (code, signal) => {
    fs.rmSync(pidFile, { force: true });
    if (!stopping) log(`Embedded Neo4j exited unexpectedly (${signal ?? `exit code ${code}`})`);
  });

  return {
    uri: outcome.uri,
    pid: child.pid!,
    stop(): Promise<void> {
      stopping ??= terminate(child, STOP_TIMEOUT_MS).then(() => log('Embedded Neo4j stopped'));
      return stopping;
    },
  };
}

/** A free TCP port on 127.0.0.1 (for an embedded Neo4j, a test or a benchmark server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
