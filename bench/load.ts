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

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function summarise(latencies: number[], seconds: number, failures: number, firstFailure: string | null): LoadResult {
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    rps: round(latencies.length / seconds),
    requests: latencies.length,
    failures,
    firstFailure,
  };
}

/**
 * Drives a GraphQL endpoint with autocannon: one POST body repeated by `connections` concurrent
 * clients for `durationSec`. Every response body is checked; a wrong answer is a failure, not a fast success.
 */
export async function loadHttp(
  url: string,
  body: string,
  check: (body: string) => string | null,
  options: LoadOptions,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: options.connections,
    duration: options.durationSec,
    verifyBody: (responseBody) => {
      const problem = check(String(responseBody ?? ''));
      if (problem) {
        failures++;
        firstFailure ??= problem;
      }
      return problem === null;
    },
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode !== 200) {
      failures++;
      firstFailure ??= `HTTP ${statusCode}`;
    }
    latencies.push(responseTime);
  });
  const result = await done;
  failures += result.errors + result.timeouts;
  if (result.errors + result.timeouts > 0) firstFailure ??= `${result.errors} connection errors, ${result.timeouts} timeouts`;
  return summarise(latencies, (performance.now() - started) / 1000, failures, firstFailure);
}

/** The floor: the same data through neo4j-driver directly, with the same concurrency and duration. */
export async function loadCypher(
  driver: Driver,
  database: string,
  statement: NamedQuery,
  params: Record<string, unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  const deadline = started + options.durationSec * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const result = await driver.executeQuery(statement.cypher, params, { database, routing: 'READ' });
        if (result.records.length === 0) throw new Error('empty answer');
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  return summarise(latencies, (performance.now() - started) / 1000, failures, firstFailure);
}
