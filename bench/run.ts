/**
 * `npm run bench [-- --quick] [--dataset seed|synthetic|all] [--nodes N] [--duration S] [--rounds R] [--connections C]`
 *
 * For each dataset: load it into a real Neo4j, start our server and the peer (@neo4j/graphql 7) as
 * separate processes, and drive the same questions at each with autocannon over loopback, next to
 * the floor (the same data by hand-written Cypher through neo4j-driver). Each contender runs S
 * seconds per question (10), in R rounds (5; fewer for a slow question: `roundsFor`) interleaved with
 * the others (`interleave`); autocannon ends a run on a whole second, so S / R is best whole. Prints
 * a table and, as the last line, one JSON object. Every response is checked: a wrong answer counts as
 * a failure.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../src/config';
import { createContext } from '../src/context';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../src/embedded';
import { freePort } from '../src/net';
import { createApp, type App } from '../src/server';
import { loadSeed } from '../src/import/seed';
import { ensureSeededStoreTemplate } from '../src/startup';
import { standaloneExecutor } from '../src/db/executor';
import { ProfilingExecutor } from '../src/db/profiling';
import { generateGraph } from './generate';
import { interleave, loadCypher, loadHttp, Recording, roundsFor, settle, type LoadOptions, type LoadResult } from './load';
import { ourOperations, SEED_IDS, type BenchIds, type Operation } from './operations';
import { peerOperations } from './peer/operations';
import { buildServer, CLIENT_BUDGETS_OFF, startProcess, type ServerProcess } from '../harness/serverProcess';

interface Args {
  quick: boolean;
  datasets: ('seed' | 'synthetic')[];
  nodes: number;
  durationSec: number;
  rounds: number;
  connections: number;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const dataset = value('--dataset') ?? 'all';
  if (!['seed', 'synthetic', 'all'].includes(dataset)) throw new Error('--dataset must be seed, synthetic or all');
  const rounds = Number(value('--rounds') ?? (quick ? 1 : 5));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  return {
    quick,
    datasets: dataset === 'all' ? ['seed', 'synthetic'] : [dataset as 'seed' | 'synthetic'],
    nodes: Number(value('--nodes') ?? (quick ? 2_000 : 1_000_000)),
    durationSec: Number(value('--duration') ?? (quick ? 1 : 10)),
    rounds,
    connections: Number(value('--connections') ?? 8),
  };
}

/** One of the three contenders of a question: warmed once, then run once per round into its recording. */
interface Contender {
  readonly recording: Recording;
  warm(): Promise<LoadResult>;
  run(slice: LoadOptions): Promise<void>;
}

interface OperationFigures {
  ours: LoadResult;
  floor: LoadResult;
  peer: LoadResult | null;
  roundTrips: number;
  dbHits: number;
  floorDbHits: number;
}

interface DatasetFigures {
  dataset: string;
  nodes: number;
  relationships: number;
  loadNodesPerSec: number;
  operations: Record<string, OperationFigures>;
  rssMb: number;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
/** Requests that were not correct answers: reported at the end, and the run exits non-zero. */
const failures: string[] = [];
const round2 = (n: number) => Math.round(n * 100) / 100;

async function counts(driver: Driver, database: string): Promise<{ nodes: number; relationships: number }> {
  const { records } = await driver.executeQuery(
    'CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } RETURN nodes, relationships',
    {},
    { database },
  );
  return { nodes: Number(records[0]!.get('nodes')), relationships: Number(records[0]!.get('relationships')) };
}

/** Empties the database in batches (implicit transactions, as CALL … IN TRANSACTIONS requires). */
async function clearDatabase(driver: Driver, database: string): Promise<void> {
  const session = driver.session({ database });
  try {
    await session.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await session.close();
  }
}

/** PROFILE db hits of our server's statements for one operation (in-process, same code as the server). */
async function ourDbHits(app: App, driver: Driver, database: string, op: Operation): Promise<number> {
  const ctx = createContext({ driver, database, queryTimeoutMs: 60_000, log: pino({ level: 'silent' }), profile: true }, 'bench-profile');
  const response = await app.apollo.executeOperation({ query: op.query, variables: op.variables }, { contextValue: ctx });
  if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(`${op.name}: profiling run failed`);
  return ctx.db instanceof ProfilingExecutor ? ctx.db.dbHits : 0;
}

async function floorDbHits(driver: Driver, database: string, op: Operation): Promise<number> {
  const result = await driver.executeQuery(`PROFILE ${op.floor.statement.cypher}`, op.floor.params, { database });
  const total = (p: { dbHits: number; children: unknown[] }): number =>
    p.children.reduce<number>((sum, c) => sum + total(c as { dbHits: number; children: unknown[] }), p.dbHits);
  return total(result.summary.profile as unknown as { dbHits: number; children: unknown[] });
}

async function postJson(url: string, body: string): Promise<{ text: string; roundTrips: number }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { text: await response.text(), roundTrips: Number(response.headers.get('x-db-round-trips') ?? NaN) };
}

async function benchDataset(
  name: string,
  ids: BenchIds,
  ctx: { driver: Driver; database: string; ours: ServerProcess; peer: ServerProcess | null; app: App; args: Args },
): Promise<Record<string, OperationFigures>> {
  const { driver, database, ours, peer, app, args } = ctx;
  const warm = { durationSec: args.quick ? 0.3 : 1, connections: args.connections };
  const peerByName = new Map(peerOperations(ids).map((p) => [p.name, p]));
  /** An HTTP contender: each run is followed by `settle`, so that its dropped requests finish first. */
  const httpContender = (url: string, body: string, check: (text: string) => string | null): Contender => ({
    recording: new Recording(),
    async warm() {
      const result = await loadHttp(url, body, check, warm);
      await settle(url, body, args.connections);
      return result;
    },
    async run(slice) {
      await loadHttp(url, body, check, slice, this.recording);
      await settle(url, body, args.connections);
    },
  });
  const figures: Record<string, OperationFigures> = {};
  for (const op of ourOperations(ids)) {
    const body = JSON.stringify({ query: op.query, variables: op.variables });
    const check = (text: string) => {
      try {
        return op.check(JSON.parse(text));
      } catch {
        return 'response is not JSON';
      }
    };
    const first = await postJson(ours.url, body);
    const problem = check(first.text);
    if (problem) throw new Error(`${name}/${op.name}: our server's answer is wrong: ${problem}`);
    const oursContender = httpContender(`${ours.url}/graphql`, body, check);
    const floor: Contender = {
      recording: new Recording(),
      warm: () => loadCypher(driver, database, op.floor.statement, op.floor.params, warm),
      async run(slice) {
        await loadCypher(driver, database, op.floor.statement, op.floor.params, slice, this.recording);
      },
    };
    let peerContender: Contender | null = null;
    const peerOp = peerByName.get(op.name);
    if (peer && peerOp) {
      const peerBody = JSON.stringify({ query: peerOp.query, variables: peerOp.variables });
      const peerCheck = (text: string) => peerOp.check(text);
      const peerFirst = await postJson(peer.url, peerBody);
      const peerProblem = peerCheck(peerFirst.text);
      if (peerProblem) log(`  ${op.name}: the peer's answer is wrong (${peerProblem}); not measured`);
      else peerContender = httpContender(`${peer.url}/graphql`, peerBody, peerCheck);
    }
    const contenders = [oursContender, floor, ...(peerContender ? [peerContender] : [])];
    let slowestP50Ms = 0;
    for (const contender of contenders) slowestP50Ms = Math.max(slowestP50Ms, (await contender.warm()).p50Ms);
    const rounds = roundsFor(args.durationSec, args.rounds, slowestP50Ms);
    const slice = { durationSec: args.durationSec / rounds, connections: args.connections };
    for (const contender of interleave(contenders, rounds)) await contender.run(slice);
    figures[op.name] = {
      ours: oursContender.recording.result(),
      floor: floor.recording.result(),
      peer: peerContender?.recording.result() ?? null,
      roundTrips: first.roundTrips,
      dbHits: await ourDbHits(app, driver, database, op),
      floorDbHits: await floorDbHits(driver, database, op),
    };
    const f = figures[op.name]!;
    log(
      `  ${op.name.padEnd(10)} ours p50 ${f.ours.p50Ms} ms, ${f.ours.rps} rps | floor p50 ${f.floor.p50Ms} ms | peer ${
        f.peer ? `p50 ${f.peer.p50Ms} ms, ${f.peer.rps} rps` : 'n/a'
      }`,
    );
    for (const [who, r] of [['ours', f.ours], ['floor', f.floor], ['peer', f.peer]] as const) {
      if (r && r.failures > 0) failures.push(`${name}/${op.name}: ${r.failures} failed ${who} requests (first: ${r.firstFailure})`);
    }
  }
  return figures;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : round2(a / b);
}

function printTable(d: DatasetFigures): void {
  const header = ['operation', 'ours p50', 'p95', 'p99', 'rps', 'floor p50', 'p95', 'rps', 'peer p50', 'p95', 'rps', 'trips', 'dbHits', 'floor hits', 'ours/floor p50', 'ours/peer rps', 'ours/peer p95'];
  const rows = Object.entries(d.operations).map(([name, f]) => [
    name,
    f.ours.p50Ms, f.ours.p95Ms, f.ours.p99Ms, f.ours.rps,
    f.floor.p50Ms, f.floor.p95Ms, f.floor.rps,
    f.peer?.p50Ms ?? '–', f.peer?.p95Ms ?? '–', f.peer?.rps ?? '–',
    f.roundTrips, f.dbHits, f.floorDbHits,
    ratio(f.ours.p50Ms, f.floor.p50Ms) ?? '–', ratio(f.ours.rps, f.peer?.rps) ?? '–', ratio(f.ours.p95Ms, f.peer?.p95Ms) ?? '–',
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\nDataset ${d.dataset}: ${d.nodes} nodes, ${d.relationships} relationships, loaded at ${d.loadNodesPerSec} nodes/s; server peak RSS ${d.rssMb} MB (latencies in ms)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function summary(d: DatasetFigures) {
  const ops = Object.entries(d.operations);
  return {
    dataset: d.dataset,
    operations: Object.fromEntries(
      ops.map(([name, f]) => [name, { p50Ms: f.ours.p50Ms, p95Ms: f.ours.p95Ms, p99Ms: f.ours.p99Ms, rps: f.ours.rps, roundTrips: f.roundTrips, dbHits: f.dbHits }]),
    ),
    floor: Object.fromEntries(ops.map(([name, f]) => [name, { p50Ms: f.floor.p50Ms, p95Ms: f.floor.p95Ms, rps: f.floor.rps, dbHits: f.floorDbHits }])),
    peer: Object.fromEntries(ops.map(([name, f]) => [name, f.peer ? { p50Ms: f.peer.p50Ms, p95Ms: f.peer.p95Ms, rps: f.peer.rps } : null])),
    ratios: {
      floorP50: Object.fromEntries(ops.map(([name, f]) => [name, ratio(f.ours.p50Ms, f.floor.p50Ms)])),
      peerRps: Object.fromEntries(ops.map(([name, f]) => [name, ratio(f.ours.rps, f.peer?.rps)])),
      peerP95: Object.fromEntries(ops.map(([name, f]) => [name, ratio(f.ours.p95Ms, f.peer?.p95Ms)])),
    },
    rssMb: d.rssMb,
    loadNodesPerSec: d.loadNodesPerSec,
    nodes: d.nodes,
    relationships: d.relationships,
  };
}

const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * Builds both servers and returns their entry points (relative to the repository), so that each runs
 * compiled, as its users run it, not through tsx: ours as `npm start` runs it (`npm run build`, then
 * dist/index.js), the peer compiled by tsc with our compiler options (bench/tsconfig.peer.json).
 */
function buildServers(): { readonly ours: string; readonly peer: string } {
  log('Building both servers');
  const ours = buildServer();
  const peerDir = path.join(REPO_ROOT, '.data', 'bench-peer');
  fs.rmSync(peerDir, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join('bench', 'tsconfig.peer.json')], { cwd: REPO_ROOT, stdio: 'inherit' });
  return { ours, peer: path.relative(REPO_ROOT, path.join(peerDir, 'peerMain.js')) };
}

/**
 * From the README's start command to the first answered query, on a fresh embedded store. The seeded
 * store template is made first when there is none, as `npm run neo4j:fetch` makes it: the figure is
 * a start, not the template's making.
 */
async function timeToFirstAnswer(entry: string, config: Config, silent: Logger): Promise<number> {
  await ensureSeededStoreTemplate(config, silent, log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-startup-'));
  const started = performance.now();
  const server = await startProcess({ NEO4J_URI: '', NEO4J_EMBEDDED_PORT: String(await freePort()), NEO4J_EMBEDDED_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { entry });
  try {
    const { text } = await postJson(server.url, JSON.stringify({ query: '{ element(symbol: "Nd") { name } }' }));
    if (!text.includes('Neodymium')) throw new Error(`unexpected first answer: ${text}`);
    return round2((performance.now() - started) / 1000);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const silent = pino({ level: 'silent' });
  let embedded: EmbeddedNeo4j | undefined;
  let dataDir: string | undefined;
  let uri = config.neo4j.uri;
  if (!uri) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-bench-neo4j-'));
    log(`Starting an embedded Neo4j with APOC (data in ${dataDir})`);
    embedded = await startEmbeddedNeo4j({
      port: await freePort(),
      dataDir,
      heap: args.quick ? '1g' : '4g',
      pageCache: args.quick ? '512m' : '2g',
      withApoc: true,
    });
    uri = embedded.uri;
  } else if (args.datasets.includes('synthetic')) {
    throw new Error('With NEO4J_URI set, run one dataset at a time (--dataset seed); the synthetic run empties the database');
  }
  const database = config.neo4j.database;
  const driver = createDriver({ ...config.neo4j, uri, queryTimeoutMs: 60_000 });
  const servers: ServerProcess[] = [];
  let app: App | undefined;
  try {
    await waitForDatabase(driver, database, config.neo4j.connectRetries, silent);
    // The benchmark measures capacity from one address: the per-client budgets are switched off.
    const env = {
      NEO4J_URI: uri,
      NEO4J_DATABASE: database,
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'warn',
      ...CLIENT_BUDGETS_OFF,
      ...(config.neo4j.password ? { NEO4J_PASSWORD: config.neo4j.password } : {}),
    };
    const entries = buildServers();
    const ours = await startProcess(env, { entry: entries.ours });
    servers.push(ours);
    const peer = await startProcess(env, { entry: entries.peer, listen: { urlLine: /PEER_READY (\S+)/ }, readyPath: null });
    servers.push(peer);
    app = await createApp({ config: { ...config, neo4j: { database, queryTimeoutMs: 60_000 } }, driver, log: silent });

    const results: DatasetFigures[] = [];
    for (const dataset of args.datasets) {
      let ids: BenchIds;
      let loadNodesPerSec: number;
      let label: string;
      if (dataset === 'seed') {
        if (embedded) await clearDatabase(driver, database);
        const t0 = performance.now();
        await loadSeed(standaloneExecutor(driver, database, 'bench-seed'));
        const { nodes } = await counts(driver, database);
        loadNodesPerSec = Math.round(nodes / ((performance.now() - t0) / 1000));
        ids = SEED_IDS;
        label = 'seed';
      } else {
        await clearDatabase(driver, database);
        log(`Generating a synthetic graph of ${args.nodes} nodes`);
        const generated = await generateGraph(driver, database, { nodes: args.nodes, seed: 42, log });
        loadNodesPerSec = Math.round(generated.nodesPerSec);
        const s = generated.samples;
        ids = { lookupFacility: s.facility, pageStatus: 'operating', searchText: s.searchText, dependentsOf: s.hubDeposit, pathFrom: s.pathFrom, pathTo: s.pathTo, impactOf: s.facility, element: s.element };
        label = `synthetic-${args.nodes}`;
      }
      const { nodes, relationships } = await counts(driver, database);
      log(`Dataset ${label}: ${nodes} nodes, ${relationships} relationships`);
      const operations = await benchDataset(label, ids, { driver, database, ours, peer, app, args });
      const figures = { dataset: label, nodes, relationships, loadNodesPerSec, operations, rssMb: Math.round(ours.peakRssBytes() / 2 ** 20) };
      results.push(figures);
      printTable(figures);
    }
    const startupSec = args.quick ? null : await timeToFirstAnswer(entries.ours, config, silent);
    if (startupSec !== null) console.log(`\nFrom \`npm start\` (fresh embedded store, a copy of the seeded store template) to the first answered query: ${startupSec} s`);
    const last = results[results.length - 1]!;
    for (const failure of failures) log(`FAILED ${failure}`);
    console.log(JSON.stringify({ ...summary(last), startupSec, failures, datasets: results.map(summary) }));
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await app?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await driver.close();
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

