import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../src/net';
import { until } from './events';
import type { ProcessExit } from './serverProcess';

/** Debian's HAProxy (installed by .ci/run when missing); HAPROXY overrides it. */
const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';
const KEPT_LINES = 400;
const BACKEND = 'instances';

export interface Upstream {
  /** The server's name in HAProxy's configuration, its stats and its logs. */
  readonly name: string;
  /** `http://127.0.0.1:<port>` of the instance. */
  readonly url: string;
}

export interface BalancerOptions {
  /** Interval of the health checks (GET /ready) in ms (default 100). */
  readonly checkIntervalMs?: number;
}

/**
 * The balancer's configuration, for instances that answer `GET /ready` with 200 while they take requests:
 *
 * - health checks on /ready every `checkIntervalMs`; one failed check takes an instance out of the pool
 *   (`fall 1`), two passed ones bring it back (`rise 2`);
 * - `retry-on conn-failure` (HAProxy's default, named to be explicit): only a request that could not be
 *   sent - the connection refused or timed out - is sent again, so a POST (a mutation) is never replayed
 *   after an instance may have received it; `retries 3` with `option redispatch 1` sends each retry to
 *   another instance;
 * - `option http-server-close`: a connection to an instance carries one request, so a request is never
 *   written on an idle connection the instance is closing (which would be an `empty-response`, not
 *   retryable for a POST); a stopping instance refuses new connections, which is retried;
 * - `option forwardfor`: the client's address in X-Forwarded-For (the instances run with TRUST_PROXY).
 */
export function haproxyConfig(port: number, statsSocket: string, upstreams: readonly Upstream[], options: BalancerOptions = {}): string {
  const inter = options.checkIntervalMs ?? 100;
  return [
    'global',
    '  log stdout format raw local0 info',
    `  stats socket ${statsSocket} mode 600 level admin`,
    '  maxconn 2000',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout check 2s',
    '',
    'frontend graphql',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    '  option httpchk GET /ready',
    '  http-check expect status 200',
    '  option http-server-close',
    '  retry-on conn-failure',
    '  retries 3',
    '  option redispatch 1',
    `  default-server check inter ${inter}ms fall 1 rise 2`,
    ...upstreams.map(({ name, url }) => `  server ${name} ${new URL(url).host}`),
    '',
  ].join('\n');
}

export interface ServerState {
  /** `UP`, `DOWN`, `MAINT`, `UP 1/2` (going down), `DOWN 1/2` (going up), … */
  readonly status: string;
  /**
   * The last health check's result: `L7OK` (answered 200), `L7STS` (another status), `L4CON` (refused),
   * … HAProxy counts a server UP before its first check, so only this says a check has passed.
   */
  readonly check: string;
}

export interface Balancer {
  /** `http://127.0.0.1:<port>`: the frontend. */
  readonly url: string;
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** The generated configuration file's text. */
  readonly config: string;
  /** Each upstream's state in HAProxy's stats. */
  serverStates(): Promise<Map<string, ServerState>>;
  /** Resolves once every upstream is `UP` with its last health check passed (`L7OK`). */
  allUp(timeoutMs?: number): Promise<void>;
  /** The last lines HAProxy wrote (its alerts, and one log line per request). */
  output(): string;
  /** Resolves with the first line (now or later) that `matches`; rejects after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Stops HAProxy at once (SIGTERM) and removes its directory. */
  stop(): Promise<ProcessExit>;
}

/** Sends one command to HAProxy's stats socket and resolves with the whole answer. */
function statsCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.createConnection(socketPath, () => socket.end(`${command}\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** `show stat` CSV → each server's state in the backend. */
function parseStates(csv: string): Map<string, ServerState> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const at = (name: string): number => columns.indexOf(name);
  const states = new Map<string, ServerState>();
  for (const row of rows) {
    const cells = row.split(',');
    const [proxy, server, status, check] = [cells[at('pxname')], cells[at('svname')], cells[at('status')], cells[at('check_status')]];
    if (proxy === BACKEND && server !== 'BACKEND' && server !== undefined) states.set(server, { status: status ?? '', check: check ?? '' });
  }
  return states;
}

/**
 * Starts HAProxy in the foreground with `haproxyConfig` for `upstreams`, its frontend on a free port of
 * 127.0.0.1, its configuration and stats socket in a fresh temporary directory. Resolves once it answers
 * on its stats socket (use `allUp` to wait for the health checks). Rejects with its output if it exits
 * first (a configuration error, HAProxy not installed).
 */
export async function startHaproxy(upstreams: readonly Upstream[], options: BalancerOptions = {}): Promise<Balancer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-haproxy-'));
  const statsSocket = path.join(dir, 'admin.sock');
  const configFile = path.join(dir, 'haproxy.cfg');
  const config = haproxyConfig(port, statsSocket, upstreams, options);
  fs.writeFileSync(configFile, config);
  const child = spawn(HAPROXY, ['-db', '-f', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  const lines: string[] = [];
  const waiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>();
  const collect = (line: string): void => {
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
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null })); // not installed: spawn fails
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const output = (): string => lines.join('\n');
  const stop = async (): Promise<ProcessExit> => {
    if (!hasExited) child.kill('SIGTERM');
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
        reject(new Error(`no matching HAProxy line within ${timeoutMs} ms:\n${output()}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const serverStates = async (): Promise<Map<string, ServerState>> => parseStates(await statsCommand(statsSocket, 'show stat'));
  try {
    await until(
      async () => {
        if (hasExited) throw new Error(`HAProxy (${HAPROXY}) exited (${JSON.stringify(await exited)}):\n${output()}`);
        return serverStates().then(
          (states) => states.size === upstreams.length,
          () => false,
        );
      },
      'HAProxy answering on its stats socket',
      10_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('HAProxy has no pid');

  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    exited,
    config,
    serverStates,
    allUp: async (timeoutMs = 20_000) => {
      await until(
        async () => [...(await serverStates()).values()].every(({ status, check }) => status === 'UP' && check === 'L7OK'),
        'every server UP in HAProxy with a passed health check',
        timeoutMs,
      );
    },
    output,
    waitForLine,
    stop,
  };
}
