/**
 * `npx tsx scripts/fairness.ts [--seconds S] [--rate R] [--flood-connections C]`
 *
 * Does one client flooding the server hurt another? Two load generators at once against the server as a
 * process of its own, over a Neo4j - NEO4J_URI when set (the seed is loaded into it), else an embedded
 * one on a throw-away store:
 * - a well-behaved client: an API key, R requests per second (default 20) over 2 connections, a page of
 *   facilities with their operators;
 * - a flooder: anonymous, C connections (default 50) sending a 6-hop traversal as fast as they can, from
 *   a process of its own (autocannon's CLI), so its work does not slow the measuring client's event loop.
 * Each phase lasts S seconds (default 15): the well-behaved client alone, then with the flooder. It runs
 * against a server with the per-client budgets on - at their defaults, or as RATE_LIMIT_* and
 * CONCURRENT_COST_* in this script's environment say - then against one with them switched off, and prints the well-behaved client's p50/p95 alone and under the flood, the ratio of the p95s, and
 * the flooder's throughput and share of 429 answers. Exits with 1 when, with the budgets on, the flood
 * pushes the well-behaved p95 above 2x its unloaded value (or the well-behaved client got an error).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import neo4j, { type Driver } from 'neo4j-driver';
import { sha256Hex } from '../src/auth';
import { standaloneExecutor } from '../src/db/executor';
import { loadSeed } from '../src/import/seed';
import { startScratchNeo4j, type ScratchNeo4j } from '../harness/scratchNeo4j';
import { positiveFlag } from '../harness/cli';
import { CLIENT_BUDGETS_OFF, startServerProcess } from '../harness/serverProcess';

const TARGET_RATIO = 2;
const WARM_UP_SECONDS = 3;
const REPO_ROOT = path.resolve(__dirname, '..');

const WELL_BEHAVED = JSON.stringify({
  query: /* GraphQL */ `{ facilities(first: 10) { edges { node { id name operator { id name } } } } }`,
});
const FLOOD = JSON.stringify({
  query: /* GraphQL */ `{ dependents(of: "dep-lovozero", maxHops: 6) { hops entity { id name } } }`,
});

interface Args {
  readonly seconds: number;
  readonly rate: number;
  readonly floodConnections: number;
}

function parseArgs(argv: readonly string[]): Args {
  return {
    seconds: positiveFlag(argv, '--seconds', 15),
    rate: positiveFlag(argv, '--rate', 20),
    floodConnections: positiveFlag(argv, '--flood-connections', 50),
  };
}

interface Latencies {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly requests: number;
  /** Answers that were not 200 with data, and connection errors. */
  readonly failures: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The well-behaved client: `rate` requests per second over 2 connections, every answer checked. */
async function wellBehaved(url: string, apiKey: string, rate: number, seconds: number): Promise<Latencies> {
  const latencies: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: WELL_BEHAVED,
        connections: 2,
        overallRate: rate,
        duration: seconds,
        verifyBody: (body) => {
          const ok = String(body ?? '').startsWith('{"data":{"facilities"');
          if (!ok) failures++;
          return ok;
        },
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode !== 200) failures++;
      latencies.push(responseTime);
    });
  });
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), requests: sorted.length, failures: failures + result.errors + result.timeouts };
}

interface Flood {
  readonly requests: number;
  readonly perSecond: number;
  readonly byStatus: Record<string, number>;
}

/** The flooder, in a process of its own: autocannon's CLI, `connections` connections, as fast as it can. */
function flood(url: string, connections: number, seconds: number): Promise<Flood> {
  const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'autocannon');
  const args = ['-j', '-n', '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', FLOOD, `${url}/graphql`];
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`the flooder exited with ${code}`));
        return;
      }
      const result = JSON.parse(output) as { requests: { total: number; average: number }; statusCodeStats?: Record<string, { count: number }> };
      const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count]));
      resolve({ requests: result.requests.total, perSecond: Math.round(result.requests.average), byStatus });
    });
  });
}

interface Measurement {
  readonly alone: Latencies;
  readonly flooded: Latencies;
  readonly flood: Flood;
}

async function measure(label: string, env: Record<string, string>, apiKey: string, args: Args): Promise<Measurement> {
  const server = await startServerProcess(env);
  try {
    console.log(`${label}: server pid ${server.pid} at ${server.url}`);
    // Plans compiled, caches and pools filled for both operations before anything is measured.
    await wellBehaved(server.url, apiKey, args.rate, WARM_UP_SECONDS);
    await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: FLOOD });
    const alone = await wellBehaved(server.url, apiKey, args.rate, args.seconds);
    console.log(`  alone:        p50 ${alone.p50Ms} ms  p95 ${alone.p95Ms} ms  (${alone.requests} requests, ${alone.failures} failed)`);
    const [flooded, floodResult] = await Promise.all([wellBehaved(server.url, apiKey, args.rate, args.seconds), flood(server.url, args.floodConnections, args.seconds)]);
    console.log(`  with flooder: p50 ${flooded.p50Ms} ms  p95 ${flooded.p95Ms} ms  (${flooded.requests} requests, ${flooded.failures} failed)`);
    return { alone, flooded, flood: floodResult };
  } finally {
    await server.stop();
  }
}

function summary(label: string, m: Measurement): string {
  const total = Object.values(m.flood.byStatus).reduce((a, b) => a + b, 0) || 1;
  const share = (status: string) => `${(((m.flood.byStatus[status] ?? 0) / total) * 100).toFixed(1)} %`;
  return [
    `${label}`,
    `  well-behaved p95: ${m.alone.p95Ms} ms alone, ${m.flooded.p95Ms} ms under the flood: ${(m.flooded.p95Ms / m.alone.p95Ms).toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
    `  well-behaved p50: ${m.alone.p50Ms} ms alone, ${m.flooded.p50Ms} ms under the flood; failures ${m.alone.failures + m.flooded.failures}`,
    `  flooder: ${m.flood.requests} requests (${m.flood.perSecond}/s): 200 ${share('200')}, 429 ${share('429')}, statuses ${JSON.stringify(m.flood.byStatus)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let scratch: ScratchNeo4j | undefined;
  let probe: Driver;
  let uri = process.env.NEO4J_URI;
  if (uri) {
    const password = process.env.NEO4J_PASSWORD;
    probe = neo4j.driver(uri, password ? neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', password) : undefined);
  } else {
    console.log('NEO4J_URI unset: starting an embedded Neo4j on a throw-away store');
    scratch = await startScratchNeo4j('fairness');
    uri = scratch.uri;
    probe = scratch.driver;
  }
  try {
    const database = process.env.NEO4J_DATABASE ?? 'neo4j';
    await loadSeed(standaloneExecutor(probe, database, 'fairness-seed'));
    const apiKey = randomBytes(24).toString('hex');
    const env = {
      NEO4J_URI: uri,
      NEO4J_DATABASE: database,
      ...(process.env.NEO4J_USER ? { NEO4J_USER: process.env.NEO4J_USER } : {}),
      ...(process.env.NEO4J_PASSWORD ? { NEO4J_PASSWORD: process.env.NEO4J_PASSWORD } : {}),
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'warn',
      API_KEYS: `well-behaved:reader:${sha256Hex(apiKey)}`,
    };
    console.log(`${args.seconds} s per phase; well-behaved ${args.rate} req/s over 2 connections; flooder ${args.floodConnections} connections`);
    const budgets = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(RATE_LIMIT|CONCURRENT_COST)_/.test(e[0]) && e[1] !== undefined));
    const onLabel = Object.keys(budgets).length > 0 ? `budgets on (${Object.entries(budgets).map(([k, v]) => `${k}=${v}`).join(' ')})` : 'budgets at their defaults';
    const on = await measure(onLabel, { ...env, ...budgets }, apiKey, args);
    const off = await measure('budgets off', { ...env, ...CLIENT_BUDGETS_OFF }, apiKey, args);
    console.log(`\n${summary(onLabel, on)}\n${summary('budgets off', off)}`);
    const ratio = on.flooded.p95Ms / on.alone.p95Ms;
    const failed = on.alone.failures + on.flooded.failures > 0;
    console.log(ratio <= TARGET_RATIO && !failed ? 'fairness target met' : `fairness target MISSED${failed ? ' (the well-behaved client got errors)' : ''}`);
    process.exitCode = ratio <= TARGET_RATIO && !failed ? 0 : 1;
  } finally {
    if (scratch) await scratch.close();
    else await probe.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
