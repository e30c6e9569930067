/**
 * What metrics and traces cost in throughput: the same query mix against four server processes over
 * the same seeded Neo4j, with metrics off (METRICS=false) twice (`off`, and `control`, whose "overhead"
 * shows what the method cannot tell apart), metrics on, and metrics plus traces (OTLP over HTTP to a
 * local sink that accepts and discards every POST). Every server first answers every operation
 * cleanly (warm-up); then runs are interleaved operation by operation, in a rotating order, and each
 * slice (one operation, one run) is compared with the `off` slice seconds away from it: the median of
 * those ratios is the figure, so drift of a shared machine falls on every configuration alike.
 *
 *   npm run observability:overhead [-- --runs 8 --duration 2 --connections 8]
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
import { loadHttp, settle } from '../bench/load';
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
    runs: positiveFlag(argv, '--runs', 8),
    durationSec: positiveFlag(argv, '--duration', 2, { integer: false }),
    connections: positiveFlag(argv, '--connections', 8),
  };
}

/** `control` is a second server with metrics off: its "overhead" is what the method cannot tell apart. */
type Mode = 'off' | 'control' | 'metrics' | 'metrics+traces';
const MODES: readonly Mode[] = ['off', 'control', 'metrics', 'metrics+traces'];
const MEASURED: readonly Mode[] = ['control', 'metrics', 'metrics+traces'];
/** A cold server's first requests plan statements and compile code: warm slices until one answers cleanly. */
const WARM_SLICES_MAX = 60;

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
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
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
      control: { METRICS: 'false' },
      metrics: { METRICS: 'true' },
      'metrics+traces': { METRICS: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER_ARG: process.env.OTEL_TRACES_SAMPLER_ARG ?? '1' },
    };
    // Compiled, as `npm start` runs it: through tsx, every stack trace the server formats is source-mapped.
    const entry = buildServer();
    for (const mode of MODES) servers.set(mode, await startProcess({ ...common, ...modeEnv[mode] }, { entry }));

    const operations = ourOperations(SEED_IDS);
    const load = { durationSec: args.durationSec, connections: args.connections };
    const warm = { durationSec: 1, connections: args.connections };
    // Requests answered per second in each slice (one operation, one run) of each mode, and the CPU.
    const slices = new Map<Mode, number[][]>(MODES.map((m) => [m, []]));
    const usage = new Map<Mode, { requests: number; cpu: number }>(MODES.map((m) => [m, { requests: 0, cpu: 0 }]));
    const checks = operations.map((op) => ({
      body: JSON.stringify({ query: op.query, variables: op.variables }),
      check: (text: string): string | null => {
        try {
          return op.check(JSON.parse(text));
        } catch {
          return 'response is not JSON';
        }
      },
    }));
    // Every server answers every operation, without failures, before anything is measured.
    for (const mode of MODES) {
      for (const [index, op] of operations.entries()) {
        const url = `${servers.get(mode)!.url}/graphql`;
        const { body, check } = checks[index]!;
        for (let slice = 1; ; slice++) {
          const result = await loadHttp(url, body, check, warm);
          await settle(url, body, args.connections);
          if (result.failures === 0) break;
          if (slice === WARM_SLICES_MAX) throw new Error(`${mode}/${op.name} never answered cleanly while warming up: ${result.firstFailure}`);
        }
      }
    }
    for (let run = 0; run < args.runs; run++) {
      for (const mode of MODES) slices.get(mode)!.push([]);
      for (const [index, op] of operations.entries()) {
        const { body, check } = checks[index]!;
        const order = MODES.map((_, i) => MODES[(i + run + index) % MODES.length]!);
        for (const mode of order) {
          const url = `${servers.get(mode)!.url}/graphql`;
          // Each measurement is short and the configurations alternate often, so a neighbour's burst of
          // load falls on one slice of each rather than on one configuration's whole run.
          const cpuBefore = cpuSeconds(servers.get(mode)!.pid);
          const result = await loadHttp(url, body, check, load);
          const cpu = cpuSeconds(servers.get(mode)!.pid) - cpuBefore;
          // The requests autocannon dropped at the end finish before the next slice, on whichever server.
          await settle(url, body, args.connections);
          if (result.failures > 0) failures.push(`${mode}/${op.name}: ${result.failures} failed (first: ${result.firstFailure})`);
          const used = usage.get(mode)!;
          used.requests += result.requests;
          used.cpu += cpu;
          slices.get(mode)![run]![index] = result.rps;
        }
      }
      console.error(`run ${run + 1}/${args.runs}: ${MODES.map((m) => `${m} ${round(sum(slices.get(m)![run]!) / operations.length)} rps`).join(', ')} (mean over the operations)`);
    }

    console.log(`\nRequests/s, median of ${args.runs} runs of ${args.durationSec} s per operation, ${args.connections} connections`);
    console.log('operation'.padEnd(12) + MODES.map((m) => m.padStart(16)).join(''));
    for (const [index, op] of operations.entries()) {
      console.log(op.name.padEnd(12) + MODES.map((m) => `${round(median(slices.get(m)!.map((run) => run[index]!)))} rps`.padStart(16)).join(''));
    }
    const summary: Record<string, unknown> = {};
    for (const mode of MEASURED) {
      // Each slice against the `off` slice next to it (same run, same operation, seconds apart); the
      // median over all slices is the figure. A slice in which either answered nothing is left out.
      const ratios: number[] = [];
      slices.get(mode)!.forEach((run, r) =>
        run.forEach((rps, o) => {
          const base = slices.get('off')![r]![o]!;
          if (rps > 0 && base > 0) ratios.push(rps / base);
        }),
      );
      if (ratios.length === 0) throw new Error('no slice answered any request: the machine is too busy to measure');
      const sorted = [...ratios].sort((a, b) => a - b);
      const overhead = (1 - median(sorted)) * 100;
      // The middle half of the slices' overheads: how far single slices swing.
      const spread = [(1 - sorted[Math.floor((sorted.length * 3) / 4)]!) * 100, (1 - sorted[Math.floor(sorted.length / 4)]!) * 100];
      summary[mode] = { overheadPercent: round(overhead), middleHalfPercent: spread.map((p) => round(p)), slices: ratios.length };
      console.log(`throughput overhead of ${mode}: ${round(overhead)} % (median of ${ratios.length} paired slices; middle half ${round(spread[0]!)} % to ${round(spread[1]!)} %)`);
      if (mode !== 'control' && overhead > BUDGET_PERCENT) failures.push(`${mode}: ${round(overhead)} % overhead, over the ${BUDGET_PERCENT} % budget`);
    }
    // CPU per request, over all runs: the server's own cost, whatever the neighbours did meanwhile.
    const cpuPerRequest = (mode: Mode): number => usage.get(mode)!.cpu / usage.get(mode)!.requests;
    for (const mode of MODES) console.log(`server CPU per request, ${mode}: ${round(cpuPerRequest(mode) * 1e6, 0)} µs`);
    for (const mode of MEASURED) {
      const overhead = (cpuPerRequest(mode) / cpuPerRequest('off') - 1) * 100;
      summary[`${mode} cpu`] = { overheadPercent: round(overhead) };
      console.log(`CPU overhead of ${mode}: ${round(overhead)} % (a saturated server's throughput falls by about ${round((1 - 1 / (1 + overhead / 100)) * 100)} %)`);
    }
    const scraped = await (await fetch(`${servers.get('metrics')!.url}/metrics`)).text();
    const counted = /^graphql_requests_total\{.*\} (\d+)$/gm;
    let requests = 0;
    for (const match of scraped.matchAll(counted)) requests += Number(match[1]);
    console.log(`sanity: the metrics server counted ${requests} requests; the OTLP sink received ${sink.posts()} POSTs so far`);
    console.log(JSON.stringify({ ...summary, failures }));
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
