import type { Driver } from 'neo4j-driver';
import { startServerProcess, testDatabaseEnv, type ServerProcess } from '../../harness/serverProcess';
import { POOL_MAX, SOAK_SERVER_ENV, formatReport, soak } from '../../harness/soak';
import { testDriver } from '../support/testServer';

/**
 * The CI version of `npm run soak`: the server as a process of its own, a mix of normal queries, client
 * aborts, timeouts and database errors (transactions terminated while they run), then no transaction of
 * the server left in Neo4j, its Bolt connections within the pool bound and not growing, its memory back
 * at its baseline: the live JavaScript heap after a full collection (read through the inspector), and RSS.
 *
 * 2,000 requests, not 10,000: on 2 shared cores the server answered this mix at 37-93 requests/s
 * (fast reads alone at most ~190/s), so 10,000 would take 2-4 minutes. `npm run soak` runs 10,000 by
 * default (`-- --requests N` for more).
 */

const REQUESTS = 2_000;
const WARM_UP = 500;
/**
 * RSS does not fall back after a load: V8 keeps the heap it grew. Measured on this mix, the server's RSS
 * climbs to a working size of ~250 MB within ~2,500 requests and then stays there (20,000 requests:
 * medians per quarter 220, 240, 245, 250 MB). The CI baseline is taken after 500 requests, on the way
 * up, so "after" exceeded it by 11-65 MB in the runs measured. 150 MB still fails a leak that keeps
 * ~75 kB per request (a request's context, loaders and answers); `npm run soak` checks the long-run trend.
 */
const MAX_RSS_GROWTH_BYTES = 150 * 1024 * 1024;
/**
 * The live heap (after a full collection) is the direct measure: 34.1 MB after the warm-up and 34.6 MB
 * after the 2,000 requests in the run measured (~250 bytes per request: caches filling). 8 MB fails a leak
 * that keeps 4 kB per request; a request's context and loaders are far larger.
 */
const MAX_LIVE_HEAP_GROWTH_BYTES = 8 * 1024 * 1024;

describe('no leaks after aborts, timeouts and database errors', () => {
  let server: ServerProcess;
  let probe: Driver;
  beforeAll(async () => {
    server = await startServerProcess({ ...testDatabaseEnv(), ...SOAK_SERVER_ENV }, { inspect: true });
    probe = testDriver();
  });
  afterAll(async () => {
    await server?.stop();
    await probe?.close();
  });

  it(`leaves no transaction, connection or memory behind after ${REQUESTS} mixed requests`, async () => {
    const boltPort = Number(/:(\d+)\/?$/.exec(process.env.TEST_NEO4J_URI ?? '')?.[1] ?? 7687);
    const report = await soak({ server, probe, boltPort, requests: REQUESTS, warmUp: WARM_UP });
    process.stdout.write(`${formatReport(report)}\n`);
    const count = (key: string): number => report.outcomes[key] ?? 0;
    const ofKind = (kind: string): number => Object.entries(report.outcomes).filter(([key]) => key.startsWith(`${kind}:`)).reduce((sum, [, n]) => sum + n, 0);

    // Every request had an outcome its kind allows (no 5xx, no connection error, no other code, and no
    // INTERNAL_SERVER_ERROR but from a terminated transaction) ...
    expect(report.unexpected).toEqual({});
    // ... and the load did what it was meant to: most reads answered, and each failure path was taken
    // often enough that a leak on it (one transaction, connection or context per failure) shows. Each
    // path is required at least 10 % of the time: how often an abort or a termination lands while a
    // slow request's transactions are open (its first statement runs alone, the two after it share one
    // transaction), and how often it outlasts its 100 ms deadline, depend on how fast the machine is
    // (measured: 41-199 of 200 aborted, 26-197 of 200 terminated, 46-200 of 200 timed out). So does
    // the share of normal reads answered within 100 ms beside the slow ones: 62-68 % in runs of this
    // test alone on a fresh Neo4j with each read in its own transaction, 55-58 % with the statements of
    // a request after its first sharing one (they run one after another on its connection).
    expect(count('normal:data')).toBeGreaterThan(0.4 * ofKind('normal'));
    expect(count('abort:aborted')).toBeGreaterThan(0.1 * ofKind('abort'));
    expect(count('timeout:TIMEOUT')).toBeGreaterThan(0.1 * ofKind('timeout'));
    expect(count('dbError:INTERNAL_SERVER_ERROR')).toBeGreaterThan(0.1 * ofKind('dbError'));

    // No transaction of the server left running once the answers are in.
    expect(report.transactionsGoneAfterMs).toBeGreaterThanOrEqual(0);
    expect(report.after.transactions).toBe(0);
    // Connections: within the pool bound all along, none in use once the answers are in, and the server
    // and Neo4j agree on them (no half-open connection on either side). How many stay open is the pool's
    // choice: it grows to the load's peak (15-37 at concurrency 8, measured) and keeps its idle
    // connections, so their number is no measure of a leak. A connection never given back would be:
    // its statement still counted in flight, and, one per failure path taken (hundreds here), the
    // pool's bound of 50 reached and later reads refused (an unexpected outcome above).
    expect(report.peak.boltConnections).toBeLessThanOrEqual(POOL_MAX);
    expect(report.after.inFlight).toBe(0);
    expect(report.after.neo4jConnections).toBe(report.after.boltConnections);
    // Memory back at its baseline: the live heap after a full collection, and RSS once the server is quiet.
    expect(report.liveHeap.after - report.liveHeap.baseline).toBeLessThan(MAX_LIVE_HEAP_GROWTH_BYTES);
    expect(report.after.rssBytes - report.baseline.rssBytes).toBeLessThan(MAX_RSS_GROWTH_BYTES);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 180_000);
});
