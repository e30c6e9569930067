/**
 * `npm run profile:requests [-- --duration S] [--top N] [--operations page,lookup]`: where the server's CPU goes under load.
 * Builds nothing: run `npm run build` first. Starts the built server (dist/index.js) on the seeded
 * database of NEO4J_URI with `--cpu-prof`, drives the benchmark's frontend operations (or those named) at it with
 * autocannon (8 connections, S seconds each), stops it, and prints the profile's heaviest frames by
 * self time and the share of each package. The figures in docs/performance.md come from this script.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../src/net';
import { ourOperations, SEED_IDS } from '../bench/operations';
import { CLIENT_BUDGETS_OFF } from '../harness/serverProcess';

const FRONTEND_OPERATIONS = ['lookup', 'page', 'search', 'frontend'];

interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Self time per frame and per package (node_modules package, our dist folder, or V8/Node internals). */
function summarise(profile: CpuProfile, top: number): string {
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/');
    frames.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (frames.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + time);
    const pkg = url.includes('node_modules/')
      ? url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : url.includes('/dist/')
        ? `ours: ${url.replace(/.*\/dist\//, '').split('/')[0]}`
        : url || functionName;
    packages.set(pkg, (packages.get(pkg) ?? 0) + time);
  }
  const table = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  return `CPU sampled: ${(total / 1e6).toFixed(1)} s\n\nBy package (self time)\n${table(packages)}\n\nHeaviest frames (self time)\n${table(frames)}`;
}

async function main(): Promise<void> {
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error('Set NEO4J_URI to a seeded database (for example after `npm run neo4j:start` and `npm run seed`)');
  const duration = option('--duration', 8);
  const top = option('--top', 25);
  const named = process.argv.indexOf('--operations');
  const operations = named >= 0 ? (process.argv[named + 1] ?? '').split(',') : FRONTEND_OPERATIONS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-profile-'));
  const port = await freePort();
  const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/index.js'], {
    cwd: path.resolve(__dirname, '..'),
    // Load from one address that measures capacity: the per-client budgets are off (as in the benchmark).
    env: { ...process.env, PORT: String(port), SEED_ON_EMPTY: 'false', LOG_LEVEL: 'warn', ...CLIENT_BUDGETS_OFF },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let ready = false; !ready; ) {
    ready = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const op of ourOperations(SEED_IDS).filter((o) => operations.includes(o.name))) {
    const result = await autocannon({
      url: `${url}/graphql`,
      method: 'POST',
      connections: 8,
      duration,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: op.query, variables: op.variables }),
    });
    process.stdout.write(`${op.name.padEnd(9)} ${result.requests.average} req/s, p50 ${result.latency.p50} ms, non-2xx ${result.non2xx}\n`);
    // A profile of refusals or errors says nothing about answering: stop rather than print it.
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${op.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the profile would not be of answers`);
  }
  server.kill('SIGINT');
  await exited;
  const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written to ${dir}`);
  process.stdout.write(`\n${summarise(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile, top)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
