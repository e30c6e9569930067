import fs from 'node:fs';
import type { Driver } from 'neo4j-driver';
import { CLIENT_BUDGETS_OFF, type ServerProcess } from './serverProcess';
import { until } from './events';
import { parseSamples, sumOf } from './prometheus';

/**
 * The soak load: a mix of normal queries, client aborts, timeouts and database errors against a server
 * process, with its memory, its Bolt connections and the transactions it leaves in Neo4j measured
 * before, during and after. Used by test/integration/leaks.int.test.ts (CI) and scripts/soak.ts (long runs).
 *
 * The server must run with SOAK_SERVER_ENV (a short request deadline, so slow traversals time out; the
 * per-client budgets off).
 */

/**
 * The request deadline. The seed graph is small: warm, its heaviest traversal takes ~80 ms in Neo4j, so
 * at 300 ms nothing ever timed out (measured: 0 of 1,000). At 100 ms (the least the configuration
 * allows) the slow request - a traversal, then two more levels of statements - runs out of time in
 * 99 % of cases, while the fast reads still answer.
 */
export const SOAK_SERVER_ENV = {
  REQUEST_TIMEOUT_MS: '100',
  // The soak drives the server from one address as fast as it can: the per-client budgets would refuse it.
  ...CLIENT_BUDGETS_OFF,
  // The connections in use are read from /metrics (Figures.inFlight).
  METRICS: 'true',
} as const;
/** The server's driver pool (maxConnectionPoolSize in src/db/driver.ts). */
export const POOL_MAX = 50;
/** The driver's user agent (src/db/driver.ts): how Neo4j names the server's connections. */
const SERVER_USER_AGENT = 'critical-minerals-graph';

/**
 * What each request is for:
 * - normal: a fast read that must answer with data (or TIMEOUT when the machine is overloaded);
 * - abort: the slow traversal, aborted by the client mid-request (the server keeps working on it);
 * - timeout: the slow traversal, which exceeds the deadline (a transaction timed out, or none started);
 * - dbError: the slow traversal, whose transaction is killed with TERMINATE TRANSACTIONS while it runs
 *   (a real Neo4j error reaching the resolver; the server masks it as INTERNAL_SERVER_ERROR).
 */
export type Kind = 'normal' | 'abort' | 'timeout' | 'dbError';

/** A 12-hop impact traversal, then the operators of the affected facilities, then their facilities: three statements in a row. */
const SLOW = /* GraphQL */ `{ impact(of: ["dep-bayan-obo", "dep-lovozero", "dep-mount-weld", "dep-mountain-pass"], maxHops: 12) {
  affected { hops fullyExposed alternatives { id } path { nodes { id } }
    entity { id ... on Facility { operator { name facilities(first: 5) { edges { node { name operator { name } } } } } } } } } }`;
const NORMAL = [
  /* GraphQL */ `{ element(symbol: "Nd") { name symbol containedIn(first: 5) { edges { node { id } } } } }`,
  /* GraphQL */ `{ facilities(first: 20, sort: { field: NAME }) { totalCount edges { node { id name operator { name } } } } }`,
  /* GraphQL */ `{ dependents(of: "dep-tastyg", kinds: [FACILITY]) { hops entity { id } } }`,
  /* GraphQL */ `{ search(text: "Tastig", first: 3) { score entity { id } } }`,
  /* GraphQL */ `{ node(id: "fac-glazov-magnet") { id ... on Facility { name status operator { name } } } }`,
];

/** Out of 20 requests: 14 normal, 2 aborted, 2 timing out, 2 with a database error. */
const MIX: readonly Kind[] = [...Array<Kind>(14).fill('normal'), 'abort', 'abort', 'timeout', 'timeout', 'dbError', 'dbError'];

/** The outcome of one request: `data`, an error code, `aborted`, or what went wrong. */
type Outcome = string;

/** Outcomes each kind may have; anything else (a 5xx, a connection error, another code) is a failure. */
const ALLOWED: Record<Kind, readonly Outcome[]> = {
  normal: ['data', 'TIMEOUT'],
  abort: ['aborted', 'data', 'TIMEOUT'],
  timeout: ['TIMEOUT', 'data'],
  dbError: ['INTERNAL_SERVER_ERROR', 'TIMEOUT', 'data'],
};

export interface Figures {
  readonly rssBytes: number;
  /** Established connections from the server process to Neo4j's Bolt port (from /proc). */
  readonly boltConnections: number;
  /** The same, as Neo4j lists them (`dbms.listConnections()`, by the driver's user agent). */
  readonly neo4jConnections: number;
  /** Transactions of the server running in Neo4j (`SHOW TRANSACTIONS`, by client address). */
  readonly transactions: number;
  /**
   * Statements and transactions the server counts as running (`neo4j_transactions_in_flight` at
   * /metrics, every access mode): each holds a pooled connection while it runs.
   */
  readonly inFlight: number;
}

export interface SoakReport {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Count per `kind:outcome`. */
  readonly outcomes: Record<string, number>;
  /** Outcomes outside ALLOWED, with an example each. */
  readonly unexpected: Record<string, string>;
  /** Transactions of `dbError` requests terminated while they ran. */
  readonly terminated: number;
  /** Highest values sampled during the warm-up (the same mix, fewer requests). */
  readonly warmUpPeak: Figures;
  /** After the warm-up and a short idle. */
  readonly baseline: Figures;
  /** Highest values sampled during the run. */
  readonly peak: Figures;
  /** After the run and a short idle. */
  readonly after: Figures;
  /** Median RSS in each quarter of the run: flat once the heap has reached its working size. */
  readonly rssByQuarter: readonly number[];
  /**
   * The JavaScript heap in use after a full collection (the server runs with its inspector open): after
   * the warm-up, at the end of each quarter of the run, and after it. RSS keeps what the heap once grew
   * to; this falls back when nothing is retained, so a leak shows here as growth from quarter to quarter.
   */
  readonly liveHeap: { readonly baseline: number; readonly byQuarter: readonly number[]; readonly after: number };
  /** Time until the server had no transaction left in Neo4j after the last answer. */
  readonly transactionsGoneAfterMs: number;
}

export interface SoakOptions {
  readonly server: ServerProcess;
  /** A driver to the server's Neo4j, for SHOW TRANSACTIONS, dbms.listConnections() and TERMINATE. */
  readonly probe: Driver;
  readonly boltPort: number;
  readonly requests: number;
  readonly concurrency?: number;
  readonly warmUp?: number;
  /**
   * An extra idle before the baseline and the final figures, on top of waiting for the server to be
   * quiet (no transaction in Neo4j, its connections agreed on by both sides); none by default.
   */
  readonly idleMs?: number;
  readonly onProgress?: (done: number, figures: Figures) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Established TCP connections of process `pid` to `port` on this host, from /proc (Linux). */
export function connectionsOf(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const remotePort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let count = 0;
  for (const table of ['tcp', 'tcp6']) {
    for (const line of fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local_address rem_address st … inode (st 01: ESTABLISHED)
      if (columns[2]?.endsWith(remotePort) && columns[3] === '01' && inodes.has(columns[9] ?? '')) count++;
    }
  }
  return count;
}

/** The client addresses (`host:port`) of the server's Bolt connections, as Neo4j sees them. */
async function serverConnections(probe: Driver): Promise<string[]> {
  const { records } = await probe.executeQuery(
    'CALL dbms.listConnections() YIELD userAgent, clientAddress WHERE userAgent = $agent RETURN collect(clientAddress) AS addresses',
    { agent: SERVER_USER_AGENT },
  );
  return (records[0]?.get('addresses') as string[] | undefined) ?? [];
}

async function figures(options: SoakOptions): Promise<Figures> {
  const { server, probe, boltPort } = options;
  const addresses = await serverConnections(probe);
  const { records } = await probe.executeQuery(
    'SHOW TRANSACTIONS YIELD clientAddress WHERE clientAddress IN $addresses RETURN count(*) AS running',
    { addresses },
  );
  return {
    rssBytes: server.rssBytes(),
    boltConnections: connectionsOf(server.pid, boltPort),
    neo4jConnections: addresses.length,
    transactions: Number(records[0]?.get('running') ?? 0),
    inFlight: await inFlightOf(server.url),
  };
}

/** The sum of the server's `neo4j_transactions_in_flight` series (SOAK_SERVER_ENV turns its metrics on). */
async function inFlightOf(url: string): Promise<number> {
  return sumOf(parseSamples(await (await fetch(`${url}/metrics`)).text()), 'neo4j_transactions_in_flight');
}

/**
 * Terminates, as an operator would, the transactions of request `requestId` while they run, until
 * `settled()`. Returns how many it terminated.
 */
async function terminateWhileRunning(probe: Driver, requestId: string, settled: () => boolean): Promise<number> {
  let terminated = 0;
  while (!settled()) {
    // One statement finds and terminates them: a short transaction may be gone by a second round trip.
    const { records } = await probe.executeQuery(
      `SHOW TRANSACTIONS YIELD transactionId AS txId, metaData WHERE metaData.requestId = $requestId
       TERMINATE TRANSACTIONS txId YIELD message WHERE message = 'Transaction terminated.' RETURN count(*) AS n`,
      { requestId },
    );
    terminated += Number(records[0]?.get('n') ?? 0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return terminated;
}

/**
 * Sends one request of `kind` and classifies what came back; counts the transactions it had terminated.
 * A `dbError` request answered INTERNAL_SERVER_ERROR although none of its transactions was terminated is
 * its own outcome, which no kind allows: the error would then have another cause.
 */
async function request(options: SoakOptions, kind: Kind, index: number, counts: { terminated: number }): Promise<Outcome> {
  const requestId = `${kind}-${index}`;
  let settled = false;
  const terminator = kind === 'dbError' ? terminateWhileRunning(options.probe, requestId, () => settled) : undefined;
  let outcome: Outcome;
  try {
    outcome = await send(options, kind, index, requestId);
  } finally {
    settled = true;
  }
  const terminated = (await terminator) ?? 0;
  counts.terminated += terminated;
  if (kind === 'dbError' && outcome === 'INTERNAL_SERVER_ERROR' && terminated === 0) return 'INTERNAL_SERVER_ERROR without termination';
  return outcome;
}

/** True once a transaction of request `requestId` is running in Neo4j. */
async function running(probe: Driver, requestId: string): Promise<boolean> {
  const { records } = await probe.executeQuery('SHOW TRANSACTIONS YIELD metaData WHERE metaData.requestId = $requestId RETURN count(*) AS n', { requestId });
  return Number(records[0]?.get('n') ?? 0) > 0;
}

/**
 * Aborts the request mid-way on an event, not after a guessed delay: once Neo4j shows its transaction
 * running, the server has read it and is running its traversal. Gives up when the answer comes first.
 */
async function abortWhenRunning(probe: Driver, requestId: string, controller: AbortController, answered: () => boolean): Promise<void> {
  const seen = await until(async () => answered() || (await running(probe, requestId)), `request ${requestId} running or answered`, 60_000).catch(() => false);
  if (seen && !answered()) controller.abort();
}

/** Posts the query of `kind` (aborting `abort` requests mid-way) and classifies the answer. */
async function send(options: SoakOptions, kind: Kind, index: number, requestId: string): Promise<Outcome> {
  const query = kind === 'normal' ? NORMAL[index % NORMAL.length]! : SLOW;
  const controller = new AbortController();
  let answered = false;
  const aborter = kind === 'abort' ? abortWhenRunning(options.probe, requestId, controller, () => answered) : undefined;
  try {
    const response = await fetch(`${options.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (response.status >= 500) return `HTTP ${response.status}`;
    if (!body.errors) return body.data ? 'data' : 'no data';
    return [...new Set(body.errors.map((e) => e.extensions?.code ?? '(no code)'))].join('+');
  } catch (error) {
    if (controller.signal.aborted) return 'aborted';
    return `failed: ${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}`;
  } finally {
    answered = true;
    await aborter;
  }
}

interface Sample {
  /** Requests answered when the sample was taken. */
  readonly done: number;
  readonly figures: Figures;
}

interface Run {
  /** Requests sent. */
  readonly requests: number;
  readonly samples: readonly Sample[];
  readonly outcomes: Map<string, number>;
  /** The first request of each unexpected outcome. */
  readonly unexpected: Map<string, string>;
  readonly terminated: number;
}

/**
 * Runs `count` requests of the mix (numbered from `offset`), `concurrency` at a time, sampling figures
 * every 500 ms (reported to `onProgress` as answered after `reportedBefore` earlier ones).
 */
async function load(options: SoakOptions, count: number, offset: number, reportedBefore = 0): Promise<Run> {
  const run = { requests: count, samples: [] as Sample[], outcomes: new Map<string, number>(), unexpected: new Map<string, string>(), terminated: 0 };
  let next = 0;
  let done = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const now = await figures(options);
      run.samples.push({ done, figures: now });
      options.onProgress?.(reportedBefore + done, now);
      await sleep(500);
    }
  })();
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const index = offset + i;
        const kind = MIX[index % MIX.length]!;
        const outcome = await request(options, kind, index, run);
        const key = `${kind}:${outcome}`;
        run.outcomes.set(key, (run.outcomes.get(key) ?? 0) + 1);
        if (!ALLOWED[kind].includes(outcome) && !run.unexpected.has(key)) run.unexpected.set(key, `request ${kind}-${index}`);
        done++;
      }
    }),
  );
  sampling = false;
  await sampler;
  return run;
}

/** The runs of consecutive parts of the load as one (sample counts continue from part to part). */
function joinRuns(parts: readonly Run[]): Run {
  const joined = { requests: 0, samples: [] as Sample[], outcomes: new Map<string, number>(), unexpected: new Map<string, string>(), terminated: 0 };
  let done = 0;
  for (const part of parts) {
    joined.samples.push(...part.samples.map((sample) => ({ ...sample, done: done + sample.done })));
    for (const [key, n] of part.outcomes) joined.outcomes.set(key, (joined.outcomes.get(key) ?? 0) + n);
    for (const [key, first] of part.unexpected) if (!joined.unexpected.has(key)) joined.unexpected.set(key, first);
    joined.terminated += part.terminated;
    joined.requests += part.requests;
    done += part.requests;
  }
  return joined;
}

function highest(samples: readonly Sample[]): Figures {
  const max = (pick: (f: Figures) => number): number => Math.max(...samples.map((s) => pick(s.figures)));
  return {
    rssBytes: max((f) => f.rssBytes),
    boltConnections: max((f) => f.boltConnections),
    neo4jConnections: max((f) => f.neo4jConnections),
    inFlight: max((f) => f.inFlight),
    transactions: max((f) => f.transactions),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Median RSS of the samples taken in each quarter of the run (by requests answered). */
function rssByQuarter(samples: readonly Sample[], count: number): number[] {
  return [0, 1, 2, 3].map((q) => median(samples.filter((s) => s.done >= (q * count) / 4 && s.done < ((q + 1) * count) / 4).map((s) => s.figures.rssBytes)));
}

/** Waits until the server has no transaction running in Neo4j; returns how long that took (-1: not within 60 s). */
async function transactionsGone(options: SoakOptions): Promise<number> {
  const started = Date.now();
  return until(async () => (await figures(options)).transactions === 0, 'no transaction of the server', 60_000).then(
    () => Date.now() - started,
    () => -1,
  );
}

/**
 * The figures once the server is quiet: no transaction of it in Neo4j, and its Bolt connections the
 * same in /proc and in Neo4j's list (none half-open or closing) - an event, not an idle of guessed length.
 * After 60 s without that, the figures as they are (the assertions then say what was wrong).
 */
async function quietFigures(options: SoakOptions): Promise<Figures> {
  const quiet = (f: Figures): boolean => f.transactions === 0 && f.boltConnections === f.neo4jConnections;
  const now = await until(async () => {
    const f = await figures(options);
    return quiet(f) && f;
  }, 'a quiet server', 60_000).catch(() => undefined);
  if (options.idleMs) await sleep(options.idleMs);
  return options.idleMs || !now ? figures(options) : now;
}

export async function soak(options: SoakOptions): Promise<SoakReport> {
  const warmUpRequests = options.warmUp ?? 500;
  const warmUp = await load(options, warmUpRequests, 0);
  const baseline = await quietFigures(options);

  const baselineHeap = await options.server.liveHeapBytes();

  // The run in four quarters, the live heap measured between them (no request in flight then).
  const started = performance.now();
  const quarters: Run[] = [];
  const heapByQuarter: number[] = [];
  for (let q = 0; q < 4; q++) {
    const from = Math.floor((q * options.requests) / 4);
    const to = Math.floor(((q + 1) * options.requests) / 4);
    quarters.push(await load(options, to - from, warmUpRequests + from, from));
    heapByQuarter.push(await options.server.liveHeapBytes());
  }
  const run = joinRuns(quarters);
  const seconds = (performance.now() - started) / 1000;
  const transactionsGoneAfterMs = await transactionsGone(options);
  const after = await quietFigures(options);
  const afterHeap = await options.server.liveHeapBytes();
  return {
    requests: options.requests,
    seconds,
    perSecond: options.requests / seconds,
    outcomes: Object.fromEntries([...run.outcomes].sort()),
    unexpected: Object.fromEntries(run.unexpected),
    terminated: run.terminated,
    warmUpPeak: highest(warmUp.samples),
    baseline,
    peak: highest([...run.samples, { done: options.requests, figures: after }]),
    after,
    rssByQuarter: rssByQuarter(run.samples, options.requests),
    liveHeap: { baseline: baselineHeap, byQuarter: heapByQuarter, after: afterHeap },
    transactionsGoneAfterMs,
  };
}

/** The report as a few lines of text (figures in MB, counts, rates). */
export function formatReport(report: SoakReport): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const row = (name: string, f: Figures): string =>
    `${name.padEnd(8)} RSS ${mb(f.rssBytes).padStart(9)}   Bolt connections ${String(f.boltConnections).padStart(2)} (Neo4j lists ${f.neo4jConnections}, ${f.inFlight} in use)   transactions ${f.transactions}`;
  return [
    `${report.requests} requests in ${report.seconds.toFixed(1)} s (${report.perSecond.toFixed(0)} requests/s)`,
    `outcomes: ${Object.entries(report.outcomes).map(([k, n]) => `${k} ${n}`).join(', ')}; ${report.terminated} transactions terminated`,
    row('warm-up', report.warmUpPeak),
    row('baseline', report.baseline),
    row('peak', report.peak),
    row('after', report.after),
    `RSS by quarter of the run (medians): ${report.rssByQuarter.map(mb).join(', ')}`,
    `live heap after a full GC: ${mb(report.liveHeap.baseline)} after the warm-up; ${report.liveHeap.byQuarter.map(mb).join(', ')} after each quarter; ${mb(report.liveHeap.after)} at the end`,
    `no transaction of the server left ${report.transactionsGoneAfterMs} ms after the last answer; pool bound ${POOL_MAX}`,
    Object.keys(report.unexpected).length > 0 ? `UNEXPECTED: ${JSON.stringify(report.unexpected)}` : 'no unexpected outcome',
  ].join('\n');
}
