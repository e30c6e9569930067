/**
 * Starts a real Neo4j (Community Edition, embedded in a small Java launcher) as a child process,
 * so development and tests need neither Docker nor a Neo4j installation - only Java 17+ and Maven
 * (to fetch the jars once into neo4j/lib, see neo4j/pom.xml and ./build.ts).
 *
 * Protocol with neo4j/src/main/java/local/graph/EmbeddedNeo4j.java: one `NEO4J_READY <uri>` line on
 * stdout when Bolt accepts connections, `NEO4J_FAILED <message>` on stderr when start-up fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { ensureNeo4jJars } from './build';
import { findJava, JVM_FLAGS } from './java';
import { LAUNCHER_MAIN, PLUGINS_DIR, REPO_ROOT } from './layout';
import { BASE_CLASS_PATH, classArchiveFile, ensureClassArchive } from './classArchive';
import { lockHint, writePidFile } from './pidFile';
import { TAIL_LINES, tailFile } from './tail';

export interface EmbeddedNeo4jOptions {
  port: number; // Bolt port on 127.0.0.1
  dataDir: string; // Neo4j home / data directory (created if missing)
  heap: string; // JVM heap, e.g. "512m" -> -Xms/-Xmx
  pageCache: string; // e.g. "256m"
  password?: string; // enables auth with this password for user neo4j (at least 8 characters)
  withApoc?: boolean; // add neo4j/plugins (apoc) - fetched with the apoc profile when missing
  startTimeoutMs?: number; // default 120_000; counted from the JVM spawn (jar fetching and the class archive's training excluded)
  classArchive?: boolean; // default true: start from a class-data-sharing archive, made once (classArchive.ts)
  log?: (message: string) => void; // progress lines (fetching jars, starting, ready, stopped)
}

export interface EmbeddedNeo4j {
  readonly uri: string;
  readonly pid: number;
  /** Settles when the JVM has exited: `expected` when `stop()` asked it to, false when it died. */
  readonly exited: Promise<{ readonly expected: boolean; readonly reason: string }>;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 30_000;
const noop = (): void => undefined;

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
  const archive = classArchiveFile(java, JVM_FLAGS);
  const shared = options.classArchive !== false && (await ensureClassArchive(java, JVM_FLAGS, archive, log));
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ...JVM_FLAGS,
    ...(shared ? [`-XX:SharedArchiveFile=${archive}`] : []),
    '-cp',
    // As in the Neo4j server, plugins are on the classpath too: APOC registers its extensions
    // (ApocConfig etc.) through ServiceLoader, which only sees the application classpath. They come
    // last, so the class archive of the base class path serves this one too.
    [...BASE_CLASS_PATH, ...(withApoc ? [path.join(PLUGINS_DIR, '*')] : [])].join(path.delimiter),
    LAUNCHER_MAIN,
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
  const pidFile = writePidFile(dataDir, child.pid!);
  log(`Embedded Neo4j ready at ${outcome.uri} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (pid ${child.pid})`);
  const exitedAfterStart = new Promise<{ expected: boolean; reason: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      fs.rmSync(pidFile, { force: true });
      const reason = signal ?? `exit code ${code}`;
      if (!stopping) log(`Embedded Neo4j exited unexpectedly (${reason})`);
      resolve({ expected: stopping !== undefined, reason });
    });
  });

  return {
    uri: outcome.uri,
    pid: child.pid!,
    exited: exitedAfterStart,
    stop(): Promise<void> {
      stopping ??= terminate(child, STOP_TIMEOUT_MS).then(() => log('Embedded Neo4j stopped'));
      return stopping;
    },
  };
}
