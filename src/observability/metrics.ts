import { timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import express from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Context } from '../context';
import type { ObservedStatement, StatementObserver } from '../db/executor';
import { BoundedLabel, statementOutcome, summarize } from './operation';

/** Distinct operation and statement names kept as label values before the rest count as `other`. */
const MAX_OPERATION_NAMES = 200;
const MAX_STATEMENT_NAMES = 300;

/** Seconds: from a cached lookup (a few ms) to a request near its deadline. */
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const STATEMENT_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The compiler makes most reads one round trip; the loaders add one per unfolded level. */
const ROUND_TRIPS = [0, 1, 2, 3, 4, 6, 8, 12, 20, 50];

export interface Metrics {
  readonly registry: Registry;
  readonly plugin: ApolloServerPlugin<Context>;
  readonly observer: StatementObserver;
  /** GET /metrics, behind `Authorization: Bearer <token>` when a token is set. */
  readonly router: express.Router;
}

/**
 * The Prometheus metrics of one app, in a registry of its own (never prom-client's global one), so
 * several apps in one process (the tests) each count only their own requests.
 */
export function createMetrics(token: string | undefined): Metrics {
  const registry = new Registry();
  // Process metrics: CPU, memory, GC, handles, and the event-loop lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations answered, by operation name and outcome (the first error\'s extensions.code, or ok)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from the start of a GraphQL operation to its response, by operation name',
    labelNames: ['operation'] as const,
    buckets: REQUEST_SECONDS,
    registers: [registry],
  });
  const roundTrips = new Histogram({
    name: 'graphql_request_db_round_trips',
    help: 'Neo4j round trips (statements sent) per GraphQL operation, by operation name',
    labelNames: ['operation'] as const,
    buckets: ROUND_TRIPS,
    registers: [registry],
  });
  const statements = new Counter({
    name: 'neo4j_statements_total',
    help: 'Neo4j statements (alone or in a request\'s read transaction) and managed transactions, by statement (or transaction) name, access mode and outcome (ok or the error code)',
    labelNames: ['statement', 'access', 'outcome'] as const,
    registers: [registry],
  });
  const statementSeconds = new Histogram({
    name: 'neo4j_statement_duration_seconds',
    help: 'Time of Neo4j statements (alone or in a request\'s read transaction) and managed transactions (retries included), by statement name and access mode',
    labelNames: ['statement', 'access'] as const,
    buckets: STATEMENT_SECONDS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'neo4j_transactions_in_flight',
    help:
      'Neo4j statements and transactions running now, by access mode. Each holds one connection of the ' +
      "driver's pool while it runs, so this approximates the pool's connections in use (neo4j-driver " +
      'publishes no pool metrics); compare it with maxConnectionPoolSize (src/db/driver.ts)',
    labelNames: ['access'] as const,
    registers: [registry],
  });
  const operationNames = new BoundedLabel(MAX_OPERATION_NAMES);
  const statementNames = new BoundedLabel(MAX_STATEMENT_NAMES);

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(requestContext) {
          const { name, outcome } = summarize(requestContext);
          const operation = operationNames.of(name);
          requests.inc({ operation, outcome });
          requestSeconds.observe({ operation }, (performance.now() - started) / 1000);
          roundTrips.observe({ operation }, requestContext.contextValue.db.roundTrips);
        },
      };
    },
  };

  // The series of each statement name and access mode, looked up once: prom-client hashes a label set on
  // every call otherwise, and this runs around every statement of every request.
  interface Series {
    readonly name: string;
    readonly ok: ReturnType<typeof statements.labels>;
    readonly seconds: ReturnType<typeof statementSeconds.labels>;
    readonly inFlight: ReturnType<typeof inFlight.labels>;
  }
  const series = new Map<string, Series>();
  const seriesOf = (statement: ObservedStatement): Series => {
    const key = `${statement.access} ${statement.name}`;
    let found = series.get(key);
    if (!found) {
      const name = statementNames.of(statement.name);
      found = {
        name,
        ok: statements.labels(name, statement.access, 'ok'),
        seconds: statementSeconds.labels(name, statement.access),
        inFlight: inFlight.labels(statement.access),
      };
      series.set(key, found);
    }
    return found;
  };
  const observer: StatementObserver = {
    async observe<T>(statement: ObservedStatement, work: () => Promise<T>): Promise<T> {
      const own = seriesOf(statement);
      const started = performance.now();
      own.inFlight.inc();
      try {
        const result = await work();
        own.ok.inc();
        return result;
      } catch (error) {
        statements.inc({ statement: own.name, access: statement.access, outcome: statementOutcome(error) });
        throw error;
      } finally {
        own.inFlight.dec();
        own.seconds.observe((performance.now() - started) / 1000);
      }
    },
  };

  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('A valid Bearer token is required (METRICS_TOKEN)\n');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });

  return { registry, plugin, observer, router };
}

/** `Authorization: Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
