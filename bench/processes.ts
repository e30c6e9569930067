import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** A server under test, in its own process so its memory and CPU are its own. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry point with `node --import tsx` (no wrapper process, so the pid is the server)
 * and waits until `${url}${readyPath}` answers (or, without a path, until the URL is known). The URL is `http://127.0.0.1:<port>`, or the one the
 * process prints as `PEER_READY <url>` when no port is given.
 */
export async function startServerProcess(entry: string, env: Record<string, string>, port: number | null, readyPath: string | null): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(port ? { PORT: String(port) } : {}), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let printedUrl: string | null = null;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    printedUrl ??= /PEER_READY (\S+)/.exec(chunk.toString())?.[1] ?? null;
  });
  const deadline = Date.now() + 60_000;
  let url = port ? `http://127.0.0.1:${port}` : '';
  for (;;) {
    url ||= printedUrl ?? '';
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${stderr}`);
    try {
      if (url && readyPath === null) break;
      const response = url ? await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) }) : null;
      if (response?.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not become ready within 60 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    peakRssMb: () => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
      return Math.round(kb / 1024);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
