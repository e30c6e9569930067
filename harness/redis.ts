import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../src/net';
import type { ProcessExit } from './serverProcess';

/** Debian's redis-server (installed by .ci/run when missing); REDIS_SERVER overrides it. */
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
/** What redis-server logs once it accepts connections (Redis 6 and 7). */
const READY_LINE = 'Ready to accept connections';
const KEPT_LINES = 100;

export interface RedisProcess {
  /** `redis://127.0.0.1:<port>`, for APQ_CACHE_URL. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** Sends one command (`['EXISTS', key]`) on a connection of its own; resolves with the raw RESP reply. */
  command(args: readonly string[]): Promise<string>;
  /** The last lines redis-server wrote, for failure messages. */
  output(): string;
  /** SIGTERM (SIGKILL after `timeoutMs`); resolves once it has exited and its directory is removed. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
}

/**
 * Starts redis-server on a free port of 127.0.0.1, with no persistence (no RDB snapshots, no AOF) and
 * its working directory in a fresh temporary directory; resolves once it logs that it accepts
 * connections. Rejects, with its output, if it exits first or is not ready within `readyTimeoutMs`.
 */
export async function startRedis(readyTimeoutMs = 20_000): Promise<RedisProcess> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-redis-'));
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const collect = (line: string): void => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
    if (line.includes(READY_LINE)) onReady();
  };
  readline.createInterface({ input: child.stdout! }).on('line', collect);
  readline.createInterface({ input: child.stderr! }).on('line', collect);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null })); // not installed: spawn fails
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const output = (): string => lines.join('\n');
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const stop = async (timeoutMs = 10_000): Promise<ProcessExit> => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), readyTimeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await stop(1_000);
    throw new Error(`redis-server (${REDIS_SERVER}) ${outcome === 'exited' ? 'exited' : `was not ready within ${readyTimeoutMs} ms`} before accepting connections:\n${output()}`);
  }
  if (child.pid === undefined) throw new Error('redis-server has no pid');
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, exited, command: (args) => command(port, args), output, stop };
}

/** One RESP command and its first reply line (`:1`, `+OK`, `$5`, …); enough for EXISTS, TTL, DBSIZE. */
function command(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
    let reply = '';
    const socket = net.createConnection(port, '127.0.0.1', () => socket.write(request));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
  });
}
