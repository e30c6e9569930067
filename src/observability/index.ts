import type { ApolloServerPlugin } from '@apollo/server';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import { Counter, Gauge } from 'prom-client';
import type { Config } from '../config';
import type { Context } from '../context';
import type { StatementObserver } from '../db/executor';
import { createMetrics } from './metrics';
import type * as Tracing from './tracing';

/** Metrics and traces of one server: what server.ts mounts and hands to every request's executor. */
export interface Observability {
  /** Wraps every statement and transaction the executors run (timing, spans); undefined when off. */
  readonly observer: StatementObserver | undefined;
  /** Requests by operation and outcome, their latency, round trips, the operation's span. */
  readonly plugins: ApolloServerPlugin<Context>[];
  /** Serves GET /metrics (Prometheus text format); without metrics, serves nothing (404). */
  readonly router: express.Router;
  /** Adds a gauge read at every scrape (nothing when metrics are off). */
  gauge(name: string, help: string, read: () => number): void;
  /** Counts a request refused before GraphQL for a per-client budget (`limit`: `rate`). */
  refused(limit: string): void;
  /** Flushes and stops exporters. */
  shutdown(): Promise<void>;
}

export interface ObservabilityOptions {
  /** Traces go to this exporter, span by span, whatever `otlpEndpoint` says (tests: an InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter;
}

/**
 * Prometheus metrics at /metrics unless `metrics` is false; OpenTelemetry traces only when an OTLP
 * endpoint is set (or a test passes an exporter). With both off, requests pay nothing: no observer,
 * no plugins.
 */
export function createObservability(config: Config['observability'], options: ObservabilityOptions = {}): Observability {
  const metrics = config.metrics ? createMetrics(config.metricsToken) : undefined;
  // Loaded only when traces are on: tracing.ts brings the OpenTelemetry SDK and its OTLP exporter.
  const tracing =
    options.spanExporter || config.otlpEndpoint
      ? (require('./tracing') as typeof Tracing).createTracing({
          serviceName: config.serviceName,
          sampleRatio: config.tracesSampleRatio,
          ...(options.spanExporter ? { exporter: options.spanExporter } : {}),
          ...(config.otlpEndpoint ? { endpoint: config.otlpEndpoint, protocol: config.otlpProtocol } : {}),
        })
      : undefined;
  const refusals = metrics
    ? new Counter({
        name: 'http_requests_refused_total',
        help: 'Requests answered 429 before GraphQL because their client was over its request-rate budget (RATE_LIMIT_*).',
        labelNames: ['limit'],
        registers: [metrics.registry],
      })
    : undefined;
  const observers = [metrics?.observer, tracing?.observer].filter((o): o is StatementObserver => o !== undefined);
  return {
    observer: observers.length > 1 ? nested(observers) : observers[0],
    plugins: [metrics?.plugin, tracing?.plugin].filter((p): p is ApolloServerPlugin<Context> => p !== undefined),
    router: metrics?.router ?? express.Router(),
    gauge: (name, help, read) => {
      if (!metrics) return;
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        collect() {
          this.set(read());
        },
      });
    },
    refused: (limit) => refusals?.inc({ limit }),
    shutdown: async () => {
      await tracing?.shutdown();
    },
  };
}

/** One observer that runs the statement inside all of `observers`, the first outermost. */
function nested(observers: readonly StatementObserver[]): StatementObserver {
  return {
    observe: (statement, work) => observers.reduceRight<typeof work>((inner, observer) => () => observer.observe(statement, inner), work)(),
  };
}
