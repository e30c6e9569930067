import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../src/net';
import { liveHeapBytes } from './inspector';

const REPO_ROOT = path.resolve(__dirname, '..');
const KEPT_LINES = 200;
/** What `node --inspect` prints on stderr before the inspector's WebSocket URL. */
const INSPECTOR_LINE = 'Debugger listening on ';

/**
 * Variables of the application (src/config.ts) that must not leak from the test runner's environment
 * into a server process: each test says exactly how its server is configured. NODE_ENV goes too (Jest
 * sets it to `test`, which changes how Apollo and Express behave): the process runs as `npm start` would.
 */
const APP_VARIABLE =
  /^(NEO4J_\w+|PORT|HOST|NODE_ENV|LOG_LEVEL|SEED_ON_EMPTY|CORS_ORIGINS|INTROSPECTION|ALLOW_BATCHED_REQUESTS|BODY_LIMIT|REQUEST_TIMEOUT_MS|SHUTDOWN_\w+|MAX_\w+|COST_LIMIT_\w+|API_KEYS|JWT_\w+|READS_REQUIRE_AUTH|SANDBOX|EXPLORER|GRAPH_PAGE|TRUST_PROXY|APQ_CACHE_URL|RATE_LIMIT_\w+|CONCURRENT_COST_\w+|METRICS\w*|OTEL_\w+|FEDERATION|SUBSCRIPTION\w*|CONNECTIONS_PER_CLIENT)$/;

/**
 * The per-client budgets (src/plugins/clientLimits.ts) switched off: for load from one address that
 * measures capacity or leaks (benchmarks, soak, the suites), not fairness.
 */
export const CLIENT_BUDGETS_OFF = {
  RATE_LIMIT_ANONYMOUS: '0',
  RATE_LIMIT_AUTHENTICATED: '0',
  CONCURRENT_COST_ANONYMOUS: '0',
  CONCURRENT_COST_AUTHENTICATED: '0',
} as const;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The Node.js process that runs the entry point (src/index.ts for the server). */
  readonly pid: number;
  /** Settles when the process has exited and its output is read. */
  readonly exited: Promise<ProcessExit>;
  /** Resident memory of `pid` in bytes (VmRSS of /proc/<pid>/status). */
  rssBytes(): number;
  /** Peak resident memory of `pid` so far in bytes (VmHWM of /proc/<pid>/status). */
  peakRssBytes(): number;
  /** The JavaScript heap still in use after a full garbage collection (only with `inspect: true`). */
  liveHeapBytes(): Promise<number>;
  /**
   * The heap plus the memory outside it that JavaScript objects hold (Buffers, ArrayBuffers) still in use
   * after a full garbage collection (only with `inspect: true`).
   */
  liveMemoryBytes(): Promise<number>;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the first line (now or later) that `matches`; rejects after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGTERM, SIGKILL after `timeoutMs`; resolves once the process has exited. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
}

/** The variables that point a server process at the test database started by globalSetup. */
export function testDatabaseEnv(): Record<string, string> {
  const uri = process.env.TEST_NEO4J_URI;
  if (!uri) throw new Error('TEST_NEO4J_URI is unset: run the tests through jest (globalSetup starts Neo4j)');
  const env: Record<string, string> = { NEO4J_URI: uri, SEED_ON_EMPTY: 'false' };
  for (const name of ['NEO4J_USER', 'NEO4J_PASSWORD', 'NEO4J_DATABASE']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/** A memory figure of a process in bytes, from /proc (Linux): `VmRSS` (resident now) or `VmHWM` (peak). */
function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  return procMemory(pid, 'VmRSS');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StartOptions {
  /** How long to wait until the process is ready (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Open the Node.js inspector on a free local port, for `liveHeapBytes()`. */
  readonly inspect?: boolean;
}

export interface ProcessOptions extends StartOptions {
  /**
   * The entry point, relative to the repository (default `src/index.ts`): a `.ts` file runs through tsx,
   * a `.js` file (a build, such as `dist/index.js`) directly, as `npm start` runs it.
   */
  readonly entry?: string;
  /**
   * Where the process listens: `free` (default) picks a free port and passes it as PORT; `printed`
   * passes none and reads the URL from the first output line matching `urlLine` (its first group).
   */
  readonly listen?: 'free' | { readonly urlLine: RegExp };
  /** The path that answers 200 once the process is ready (default `/ready`); null: ready once the URL is known. */
  readonly readyPath?: string | null;
}

/**
 * Starts src/index.ts as a child process, on a free port of 127.0.0.1, with exactly `env` as its
 * configuration; resolves once `GET /ready` answers 200. Rejects, with the process's last output, if it
 * exits or is not ready within `readyTimeoutMs`.
 *
 * It runs as `node --import tsx src/index.ts`: one process, so its pid is the server's (for its memory),
 * signals reach it directly and its exit code is its own. (The `tsx` CLI runs the script in a second
 * process and relays SIGTERM to it; when that process does not acknowledge within 30 ms - a busy event
 * loop on a loaded machine - tsx SIGKILLs it, which a graceful-shutdown test must not depend on.)
 */
export function startServerProcess(env: Record<string, string>, options: StartOptions = {}): Promise<ServerProcess> {
  return startProcess(env, options);
}

/**
 * Builds the server as `npm start` does (`npm run build`) and returns its entry point, dist/index.js
 * (relative to the repository): measurements run it compiled, as its users do, not through tsx.
 */
export function buildServer(): string {
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join('dist', 'index.js');
}

/**
 * Starts an entry point (the server's sources by default; its build and the benchmark's peer server
 * too) the way `startServerProcess` describes, with the options of `ProcessOptions`.
 */
export async function startProcess(env: Record<string, string>, options: ProcessOptions = {}): Promise<ServerProcess> {
  const { readyTimeoutMs = 60_000, inspect = false, entry = path.join('src', 'index.ts'), listen = 'free', readyPath = '/ready' } = options;
  const port = listen !== 'free' ? null : env.PORT ? Number(env.PORT) : await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !APP_VARIABLE.test(name)));
  const nodeArgs = [...(inspect ? ['--inspect=127.0.0.1:0'] : []), ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'])];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: REPO_ROOT,
    env: { ...inherited, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env, ...(port === null ? {} : { PORT: String(port) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>();
  let inspectorUrl: string | undefined;
  let printedUrl: string | undefined;
  const collect = (line: string): void => {
    if (inspectorUrl === undefined && line.startsWith(INSPECTOR_LINE)) inspectorUrl = line.slice(INSPECTOR_LINE.length).trim();
    if (printedUrl === undefined && listen !== 'free') printedUrl = listen.urlLine.exec(line)?.[1];
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
    for (const waiter of waiters) {
      if (waiter.matches(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  readline.createInterface({ input: child.stdout! }).on('line', collect);
  readline.createInterface({ input: child.stderr! }).on('line', collect);
  const exited = new Promise<ProcessExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const output = (): string => lines.join('\n');
  const urlNow = (): string | undefined => (port === null ? printedUrl : `http://127.0.0.1:${port}`);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${entry} could not be started`);
  const stop = async (timeoutMs = 30_000): Promise<ProcessExit> => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  const waitForLine = (matches: (line: string) => boolean, timeoutMs: number): Promise<string> => {
    const seen = lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        matches,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching output line within ${timeoutMs} ms:\n${output()}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (hasExited) throw new Error(`the server process exited before it was ready (${JSON.stringify(await exited)}):\n${output()}`);
    if (Date.now() > deadline) {
      await stop(5_000);
      throw new Error(`the server process was not ready within ${readyTimeoutMs} ms:\n${output()}`);
    }
    const at = urlNow();
    const ready = at !== undefined && (readyPath === null || (await fetch(`${at}${readyPath}`).then((r) => r.status === 200, () => false)));
    if (ready) break;
    await sleep(200);
  }
  const url = urlNow() ?? '';

  return {
    url,
    pid,
    exited,
    rssBytes: () => rssOf(pid),
    peakRssBytes: () => procMemory(pid, 'VmHWM'),
    liveHeapBytes: async () => {
      if (!inspectorUrl) throw new Error(inspect ? 'the server process did not print its inspector URL' : 'start the server process with inspect: true to measure its heap');
      return liveHeapBytes(inspectorUrl);
    },
    liveMemoryBytes: async () => {
      if (!inspectorUrl) throw new Error(inspect ? 'the server process did not print its inspector URL' : 'start the server process with inspect: true to measure its memory');
      return liveHeapBytes(inspectorUrl, '(({ heapUsed, external }) => heapUsed + external)(process.memoryUsage())');
    },
    output,
    waitForLine,
    stop,
  };
}
