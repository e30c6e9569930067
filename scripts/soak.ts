/**
 * `npm run soak [-- --requests N] [--concurrency C] [--warm-up W]`
 *
 * The long version of test/integration/leaks.int.test.ts: starts the server as a process of its own
 * (request deadline 100 ms) over a Neo4j - NEO4J_URI when set (the seed is loaded into it), else an
 * embedded one on a throw-away store - and sends N requests (default 10,000) mixing normal queries,
 * client aborts, timeouts and database errors (transactions terminated while they run). Prints the rate,
 * RSS, Bolt connections and running transactions before, during and after, and the live heap after a
 * full collection (through the server's inspector) after the warm-up and each quarter; exits with 1 when
 * a request had an unexpected outcome, a transaction was left running, the connections went past the pool
 * bound or past the warm-up's, the live heap grew by more than 10 MB (after the run, or from the first to
 * the last quarter), or RSS grew by more than 100 MB (after the run, or between the second and the last
 * quarter of it).
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { loadSeed } from '../src/import/seed';
import { standaloneExecutor } from '../src/db/executor';
import { startScratchNeo4j, type ScratchNeo4j } from '../harness/scratchNeo4j';
import { positiveFlag } from '../harness/cli';
import { startServerProcess, type ServerProcess } from '../harness/serverProcess';
import { POOL_MAX, SOAK_SERVER_ENV, formatReport, soak, type SoakReport } from '../harness/soak';

/** Heap growth to its working size and the collector's timing move RSS by up to ~70 MB (measured). */
const RSS_TOLERANCE_BYTES = 100 * 1024 * 1024;
/**
 * The live heap after a full collection is flat once caches have filled: 34.5 MB after the warm-up,
 * 35.4, 35.5, 35.7, 35.7 MB after each quarter of 10,000 requests, 35.6 MB at the end (measured).
 */
const LIVE_HEAP_TOLERANCE_BYTES = 10 * 1024 * 1024;

interface Args {
  readonly requests: number;
  readonly concurrency: number;
  readonly warmUp: number;
}

function parseArgs(argv: readonly string[]): Args {
  return {
    requests: positiveFlag(argv, '--requests', 10_000),
    concurrency: positiveFlag(argv, '--concurrency', 8),
    warmUp: positiveFlag(argv, '--warm-up', 1_000),
  };
}

/** Problems that fail the soak, as lines; none when it passed. */
function problems(report: SoakReport): string[] {
  const found: string[] = [];
  if (Object.keys(report.unexpected).length > 0) found.push(`unexpected outcomes: ${JSON.stringify(report.unexpected)}`);
  if (report.transactionsGoneAfterMs < 0) found.push('transactions of the server were still running 10 s after the last answer');
  if (report.peak.boltConnections > POOL_MAX) found.push(`${report.peak.boltConnections} Bolt connections, above the pool bound of ${POOL_MAX}`);
  if (report.after.inFlight > 0) found.push(`${report.after.inFlight} statements still counted in flight after the run`);
  if (report.after.rssBytes - report.baseline.rssBytes > RSS_TOLERANCE_BYTES) found.push('RSS did not come back near its baseline');
  const [, second = 0, , last = 0] = report.rssByQuarter;
  if (last - second > RSS_TOLERANCE_BYTES) found.push('RSS kept growing during the run');
  const { baseline, byQuarter, after } = report.liveHeap;
  if (after - baseline > LIVE_HEAP_TOLERANCE_BYTES) found.push('the live heap did not come back to its baseline');
  if ((byQuarter[3] ?? 0) - (byQuarter[0] ?? 0) > LIVE_HEAP_TOLERANCE_BYTES) found.push('the live heap kept growing during the run');
  return found;
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
    scratch = await startScratchNeo4j('soak');
    uri = scratch.uri;
    probe = scratch.driver;
  }
  let server: ServerProcess | undefined;
  try {
    const database = process.env.NEO4J_DATABASE ?? 'neo4j';
    await loadSeed(standaloneExecutor(probe, database, 'soak-seed'));
    const boltPort = Number(/:(\d+)\/?$/.exec(uri)?.[1] ?? 7687);
    server = await startServerProcess({
      NEO4J_URI: uri,
      NEO4J_DATABASE: database,
      ...(process.env.NEO4J_USER ? { NEO4J_USER: process.env.NEO4J_USER } : {}),
      ...(process.env.NEO4J_PASSWORD ? { NEO4J_PASSWORD: process.env.NEO4J_PASSWORD } : {}),
      SEED_ON_EMPTY: 'false',
      ...SOAK_SERVER_ENV,
    }, { inspect: true });
    console.log(`server pid ${server.pid} at ${server.url}; ${args.warmUp} warm-up requests, then ${args.requests} (concurrency ${args.concurrency})`);
    let lastPrinted = 0;
    const report = await soak({
      server,
      probe,
      boltPort,
      requests: args.requests,
      concurrency: args.concurrency,
      warmUp: args.warmUp,
      onProgress: (done, now) => {
        if (Date.now() - lastPrinted < 5_000) return;
        lastPrinted = Date.now();
        console.log(`  ${done} requests  RSS ${(now.rssBytes / 1024 / 1024).toFixed(0)} MB  Bolt connections ${now.boltConnections}  transactions ${now.transactions}`);
      },
    });
    console.log(formatReport(report));
    const found = problems(report);
    for (const problem of found) console.log(`FAIL: ${problem}`);
    console.log(found.length === 0 ? 'soak passed' : 'soak FAILED');
    process.exitCode = found.length === 0 ? 0 : 1;
  } finally {
    await server?.stop();
    if (scratch) await scratch.close();
    else await probe.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
