import autocannon from 'autocannon';
import type { Driver } from 'neo4j-driver';
import type { NamedQuery } from '../src/db/executor';

/** Latency distribution and throughput of one load run. */
export interface LoadResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly rps: number;
  readonly requests: number;
  /** Responses that were not a correct answer (HTTP error, GraphQL errors, empty data) or failed. */
  readonly failures: number;
  readonly firstFailure: string | null;
}

export interface LoadOptions {
  readonly durationSec: number;
  readonly connections: number;
}

/** How long one request may take before it counts as failed (timed out). */
const ANSWER_TIMEOUT_SEC = 60;

/**
 * autocannon ends a run by dropping the requests still in flight, unanswered, and the server goes on
 * running them. One more request per connection, each waited for (up to a minute, unmeasured), lets
 * them finish before the next run starts, so that a slow operation's leftovers do not weigh on the
 * next measurement (the floor's loop waits for its own).
 */
export async function settle(url: string, body: string, connections: number): Promise<void> {
  await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, amount: connections, timeout: ANSWER_TIMEOUT_SEC });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/**
 * What the load runs of one contender observed: the latencies of answered requests, the failures
 * (counted once each), and the time the runs took. A recording can span several runs: the benchmark
 * measures each contender in rounds, interleaved with the others (`interleave`), and adds them up.
 */
export class Recording {
  private readonly latencies: number[] = [];
  private failures = 0;
  private firstFailure: string | null = null;
  private measuredMs = 0;

  answered(latencyMs: number): void {
    this.latencies.push(latencyMs);
  }

  failed(reason: string, count = 1): void {
    this.failures += count;
    this.firstFailure ??= reason;
  }

  /** Answers and failures recorded so far. */
  get observations(): number {
    return this.latencies.length + this.failures;
  }

  /** Runs `run` and counts its time as measured: requests per second are over the runs' time only. */
  async measure(run: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await run();
    } finally {
      this.measuredMs += performance.now() - started;
    }
  }

  result(): LoadResult {
    // autocannon drops the requests still waiting when a run ends, without a timeout: runs in which
    // none was answered measured nothing, and say so.
    const unanswered = this.observations === 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      rps: round(sorted.length / (this.measuredMs / 1000)),
      requests: sorted.length,
      failures: unanswered ? 1 : this.failures,
      firstFailure: unanswered ? 'no request was answered within the run' : this.firstFailure,
    };
  }
}

/**
 * The order in which `rounds` rounds run `contenders`: every contender once per round, the order
 * rotated by one each round, so that each leads and each follows the others in turn. A machine whose
 * speed drifts (here one server answered the same request at 1,700 to 2,500 per second within a
 * minute) then weighs on every contender alike, where one long run each, one after the other, would
 * credit the drift to whichever ran in the fast minutes.
 */
export function interleave<T>(contenders: readonly T[], rounds: number): T[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  const order: T[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) order.push(contenders[(round + i) % contenders.length]!);
  }
  return order;
}

/**
 * How many of `requested` rounds a question's `durationSec` is cut into, given the slowest contender's
 * p50 in its warm-up: each round must hold about ten answers per connection. A round shorter than a
 * request ends with every request dropped unanswered (autocannon drops those in flight when its time
 * is up), and the dropped requests, still running on the server, slow the next ones: the 1M graph's
 * element question (8 s a request) took 13 s at p50 against the floor's 8 s in 2 s rounds.
 */
export function roundsFor(durationSec: number, requested: number, slowestP50Ms: number): number {
  const fit = Math.floor((durationSec * 1000) / (10 * slowestP50Ms));
  return Number.isFinite(fit) ? Math.max(1, Math.min(requested, fit)) : requested;
}

/** One autocannon run whose responses are checked and recorded into `recording`. */
async function drive(
  url: string,
  body: string,
  check: (body: string) => string | null,
  run: { readonly connections: number; readonly duration?: number; readonly amount?: number; readonly timeout?: number },
  recording: Recording,
): Promise<void> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        ...run,
        verifyBody: (responseBody) => {
          const problem = check(String(responseBody ?? ''));
          if (problem) recording.failed(problem);
          return problem === null;
        },
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode !== 200) recording.failed(`HTTP ${statusCode}`);
      recording.answered(responseTime);
    });
  });
  const broken = result.errors + result.timeouts;
  if (broken > 0) recording.failed(`${result.errors} connection errors, ${result.timeouts} timeouts`, broken);
}

/**
 * Drives a GraphQL endpoint with autocannon: one POST body repeated by `connections` concurrent
 * clients for `durationSec`. Every response body is checked; a wrong answer is a failure, not a fast success.
 *
 * A run ends when its time is up and at least one request has come back. autocannon drops the requests
 * in flight when the time is up, so a contender slower than the whole run (the quick mode's one second)
 * would have measured nothing. Then one more request per connection is sent and waited for (up to a
 * minute each), and its time counts in the run's: the slow contender is measured as slow. A request
 * counts as failed (timed out) after a minute, not after autocannon's default of ten seconds.
 *
 * With a `recording` of earlier runs, this run is added to them and the result is of them all.
 */
export async function loadHttp(
  url: string,
  body: string,
  check: (body: string) => string | null,
  options: LoadOptions,
  recording = new Recording(),
): Promise<LoadResult> {
  const run = { connections: options.connections, timeout: ANSWER_TIMEOUT_SEC };
  const before = recording.observations;
  await recording.measure(async () => {
    await drive(url, body, check, { ...run, duration: options.durationSec }, recording);
    if (recording.observations === before) await drive(url, body, check, { ...run, amount: options.connections }, recording);
  });
  return recording.result();
}

/**
 * The floor: the same data through neo4j-driver directly, with the same concurrency and duration.
 * `recording` adds this run to earlier ones (as for loadHttp).
 */
export async function loadCypher(
  driver: Driver,
  database: string,
  statement: NamedQuery,
  params: Record<string, unknown>,
  options: LoadOptions,
  recording = new Recording(),
): Promise<LoadResult> {
  const deadline = performance.now() + options.durationSec * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const result = await driver.executeQuery(statement.cypher, params, { database, routing: 'READ' });
        if (result.records.length === 0) throw new Error('empty answer');
        recording.answered(performance.now() - t0);
      } catch (error) {
        recording.failed(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await recording.measure(async () => {
    await Promise.all(Array.from({ length: options.connections }, worker));
  });
  return recording.result();
}
