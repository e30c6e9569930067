/**
 * What metrics and traces cost in throughput: the same query mix against three server processes over
 * the same seeded Neo4j, with metrics off (METRICS=false), metrics on, and metrics plus traces (OTLP
 * over HTTP to a local sink that accepts and discards every POST). Runs are interleaved operation by
 * operation, in a rotating order, so drift of a shared machine falls on every configuration alike.
 *
 *   npm run observability:overhead [-- --runs 5 --duration 1 --connections 8]
 *
 * With NEO4J_URI (a seeded database), that database is used; otherwise an embedded Neo4j is started
 * in a temporary directory, seeded, and removed afterwards. Exit code 1 when an answer was wrong or
 * an overhead exceeds the budget (5 %).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { standaloneExecutor } from '../src/db/executor';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../src/embedded';
import { loadSeed } from '../src/import/seed';
import { freePort } from '../src/net';
import { loadHttp } from '../bench/load';
import { ourOperations, SEED_IDS } from '../bench/operations';
import { positiveFlag } from '../harness/cli';
import { buildServer, CLIENT_BUDGETS_OFF, startProcess, type ServerProcess } from '../harness/serverProcess';

const BUDGET_PERCENT = 5;

interface Args {
  readonly runs: number;
  readonly durationSec: number;
  readonly connections: number;
}

function parseArgs(argv: readonly string[]): Args {
  return {
    runs: positiveFlag(argv, '--runs', 5),
    durationSec: positiveFlag(argv, '--duration', 1, { integer: false }),
    connections: positiveFlag(argv, '--connections', 8),
  };
}

type Mode = 'off' | 'metrics' | 'metrics+traces';
const MODES: readonly Mode[] = ['off', 'metrics', 'metrics+traces'];

/** Accepts OTLP POSTs and discards them; counts them, so the run shows traces were really sent. */
async function startSink(): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
  let posts = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      // An empty ExportTraceServiceResponse in the request's encoding: no bytes in protobuf, `{}` in JSON.
      const json = req.headers['content-type'] === 'application/json';
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A seeded database: NEO4J_URI's, or an embedded one of its own. */
async function seededDatabase(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const config = loadConfig();
  const { database } = config.neo4j;
  const credentials: Record<string, string> = config.neo4j.password ? { NEO4J_PASSWORD: config.neo4j.password, NEO4J_USER: config.neo4j.user } : {};
  if (config.neo4j.uri) {
    return { env: { NEO4J_URI: config.neo4j.uri, NEO4J_DATABASE: database, ...credentials }, stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-obs-neo4j-'));
  console.error(`Starting an embedded Neo4j (data in ${dataDir}) and seeding it`);
  let embedded: EmbeddedNeo4j | undefined;
  try {
    embedded = await startEmbeddedNeo4j({ port: await freePort(), dataDir, heap: '1g', pageCache: '256m' });
    const driver = createDriver({ ...config.neo4j, uri: embedded.uri });
    try {
      await waitForDatabase(driver, database, config.neo4j.connectRetries, pino({ level: 'silent' }));
      await loadSeed(standaloneExecutor(driver, database, 'observability-overhead'));
    } finally {
      await driver.close();
    }
  } catch (error) {
    await embedded?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = embedded;
  return {
    env: { NEO4J_URI: running.uri, NEO4J_DATABASE: database },
    stop: async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux). CPU per answered request hardly
 * depends on what else the machine runs, where throughput does: on a shared machine it is the steadier
 * figure of what the instrumentation costs.
 */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; after the command's ") " they are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const database = await seededDatabase();
  const sink = await startSink();
  const servers = new Map<Mode, ServerProcess>();
  const failures: string[] = [];
  try {
    // The load comes from one address: the per-client budgets would answer 429 instead of measuring.
    const common = { ...database.env, SEED_ON_EMPTY: 'false', SEED_UPGRADE: 'false', LOG_LEVEL: 'warn', ...CLIENT_BUDGETS_OFF };
    const modeEnv: Record<Mode, Record<string, string>> = {
      off: { METRICS: 'false' },
      metrics: { METRICS: 'true' },
      'metrics+traces': { METRICS: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER_ARG: process.env.OTEL_TRACES_SAMPLER_ARG ?? '1' },
    };
    // Compiled, as `npm start` runs it: through tsx, every stack trace the server formats is source-mapped.
    const entry = buildServer();
    for (const mode of MODES) servers.set(mode, await startProcess({ ...common, ...modeEnv[mode] }, { entry }));

    const operations = ourOperations(SEED_IDS);
    const load = { durationSec: args.durationSec, connections: args.connections };
    const warm = { durationSec: 1, connections: args.connections };
    // Per run and mode: requests answered and seconds spent over the whole mix.
    const totals = new Map<Mode, { requests: number; seconds: number; cpu: number }[]>(MODES.map((m) => [m, []]));
    const byOperation = new Map<string, Map<Mode, number[]>>();
    for (let run = 0; run < args.runs; run++) {
      for (const mode of MODES) totals.get(mode)!.push({ requests: 0, seconds: 0, cpu: 0 });
      for (const [index, op] of operations.entries()) {
        const body = JSON.stringify({ query: op.query, variables: op.variables });
        const check = (text: string): string | null => {
          try {
            return op.check(JSON.parse(text));
          } catch {
            return 'response is not JSON';
          }
        };
        const order = MODES.map((_, i) => MODES[(i + run + index) % MODES.length]!);
        for (const mode of order) {
          const url = `${servers.get(mode)!.url}/graphql`;
          if (run === 0) await loadHttp(url, body, check, warm);
          // Each measurement is short and the three configurations alternate often, so a neighbour's
          // burst of load falls on one slice of each rather than on one configuration's whole run.
          const cpuBefore = cpuSeconds(servers.get(mode)!.pid);
          const result = await loadHttp(url, body, check, load);
          const cpu = cpuSeconds(servers.get(mode)!.pid) - cpuBefore;
          if (result.failures > 0) failures.push(`${mode}/${op.name}: ${result.failures} failed (first: ${result.firstFailure})`);
          const total = totals.get(mode)![run]!;
          total.requests += result.requests;
          total.cpu += cpu;
          total.seconds += result.rps > 0 ? result.requests / result.rps : args.durationSec;
          const perOp = byOperation.get(op.name) ?? new Map<Mode, number[]>();
          byOperation.set(op.name, perOp.set(mode, [...(perOp.get(mode) ?? []), result.rps]));
        }
      }
      const line = MODES.map((m) => {
        const t = totals.get(m)![run]!;
        return `${m} ${round(t.requests / t.seconds)} rps`;
      }).join(', ');
      console.error(`run ${run + 1}/${args.runs}: ${line}`);
    }

    const rps = (mode: Mode, run: number): number => {
      const t = totals.get(mode)![run]!;
      return t.requests / t.seconds;
    };
    const runs = [...Array(args.runs).keys()];
    console.log(`\nThroughput over the mix (${operations.map((o) => o.name).join(', ')}), ${args.runs} runs of ${args.durationSec} s per operation, ${args.connections} connections`);
    console.log('operation'.padEnd(12) + MODES.map((m) => m.padStart(16)).join(''));
    for (const [name, perMode] of byOperation) {
      console.log(name.padEnd(12) + MODES.map((m) => `${round(median(perMode.get(m) ?? []))} rps`.padStart(16)).join(''));
    }
    const summary: Record<string, unknown> = {};
    const base = runs.map((r) => rps('off', r));
    console.log(`${'mix'.padEnd(12)}${MODES.map((m) => `${round(median(runs.map((r) => rps(m, r))))} rps`.padStart(16)).join('')}`);
    for (const mode of MODES.slice(1)) {
      // The overhead of each run against the same run's baseline; the median of the runs is the figure.
      // A run whose baseline answered nothing (the machine stalled) has no ratio and is left out.
      const perRun = runs.filter((r) => base[r]! > 0).map((r) => (1 - rps(mode, r) / base[r]!) * 100);
      if (perRun.length === 0) throw new Error('no run answered any request: the machine is too busy to measure');
      const overhead = median(perRun);
      summary[mode] = { overheadPercent: round(overhead), perRunPercent: perRun.map((p) => round(p)), rps: runs.map((r) => round(rps(mode, r))) };
      console.log(`overhead of ${mode}: ${round(overhead)} % (runs: ${perRun.map((p) => `${round(p)} %`).join(', ')})`);
      if (overhead > BUDGET_PERCENT) failures.push(`${mode}: ${round(overhead)} % overhead, over the ${BUDGET_PERCENT} % budget`);
    }
    // CPU per request, over all runs: the server's own cost, whatever the neighbours did meanwhile.
    const cpuPerRequest = (mode: Mode): number => {
      const all = totals.get(mode)!;
      return all.reduce((sum, t) => sum + t.cpu, 0) / all.reduce((sum, t) => sum + t.requests, 0);
    };
    for (const mode of MODES) console.log(`server CPU per request, ${mode}: ${round(cpuPerRequest(mode) * 1e6, 0)} µs`);
    for (const mode of MODES.slice(1)) {
      const overhead = (cpuPerRequest(mode) / cpuPerRequest('off') - 1) * 100;
      summary[`${mode} cpu`] = { overheadPercent: round(overhead) };
      console.log(`CPU overhead of ${mode}: ${round(overhead)} % (a saturated server's throughput falls by about ${round((1 - 1 / (1 + overhead / 100)) * 100)} %)`);
    }
    const scraped = await (await fetch(`${servers.get('metrics')!.url}/metrics`)).text();
    const counted = /^graphql_requests_total\{.*\} (\d+)$/gm;
    let requests = 0;
    for (const match of scraped.matchAll(counted)) requests += Number(match[1]);
    console.log(`sanity: the metrics server counted ${requests} requests; the OTLP sink received ${sink.posts()} POSTs so far`);
    console.log(JSON.stringify({ baselineRps: base.map((b) => round(b)), ...summary, failures }));
  } finally {
    for (const server of servers.values()) await server.stop();
    await sink.close();
    await database.stop();
  }
  for (const failure of failures) console.error(`FAILED ${failure}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
