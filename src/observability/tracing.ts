import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Context } from '../context';
import type { ObservedStatement, StatementObserver } from '../db/executor';
import { statementOutcome, summarize } from './operation';

export interface TracingOptions {
  readonly serviceName: string;
  /** Share of operations traced, 0–1 (default 1): their statements follow their decision. */
  readonly sampleRatio?: number;
  /** An OTLP/HTTP collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT): spans go to `<endpoint>/v1/traces` in batches. */
  readonly endpoint?: string;
  /** Spans go here instead, each as it ends (tests pass an InMemorySpanExporter). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  readonly plugin: ApolloServerPlugin<Context>;
  readonly observer: StatementObserver;
  /** Ends the provider: pending spans are exported first. */
  shutdown(): Promise<void>;
}

/** The attribute naming the request id (the `x-request-id` header, the logs' `requestId`) on every span. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/**
 * Traces of one app: a span per GraphQL operation and, below it, a span per statement or managed
 * transaction the operation's executor runs. The provider is the app's own and is never registered
 * globally, so it neither depends on nor disturbs other OpenTelemetry users of the process.
 *
 * A statement finds its operation's span by the request id the executor reports, not through an
 * async context: the operation span is kept by request id from the start of the operation until its
 * response. A client that sends the same `x-request-id` on concurrent requests gets the statements of
 * both under the later one's span.
 */
export function createTracing(options: TracingOptions): Tracing {
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${(options.endpoint ?? '').replace(/\/+$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('critical-minerals-graph');
  const operations = new Map<string, Span>();

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart({ contextValue }) {
      const { requestId } = contextValue;
      // Named once the operation is known; `unknown` if it never is (a document that does not parse).
      const span = tracer.startSpan('unknown', { kind: SpanKind.SERVER, attributes: { [REQUEST_ID_ATTRIBUTE]: requestId } }, ROOT_CONTEXT);
      operations.set(requestId, span);
      return {
        async didResolveOperation({ operation, operationName }) {
          span.updateName(operationName ?? 'anonymous');
          span.setAttributes({ 'graphql.operation.name': operationName ?? 'anonymous', 'graphql.operation.type': operation?.operation ?? 'unknown' });
        },
        async willSendResponse(requestContext) {
          const { outcome } = summarize(requestContext);
          span.setAttribute('graphql.outcome', outcome);
          if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
          if (operations.get(requestId) === span) operations.delete(requestId);
        },
      };
    },
  };

  const observer: StatementObserver = {
    async observe<T>(statement: ObservedStatement, work: () => Promise<T>): Promise<T> {
      const parent = statement.requestId === undefined ? undefined : operations.get(statement.requestId);
      // An operation left out by the sampler: its statements are not traced either, at no cost.
      if (parent && !parent.isRecording()) return work();
      const span = tracer.startSpan(
        statement.name,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'neo4j',
            'db.system': 'neo4j',
            'db.operation.name': statement.name,
            'db.neo4j.access': statement.access,
            ...(statement.requestId === undefined ? {} : { [REQUEST_ID_ATTRIBUTE]: statement.requestId }),
          },
        },
        parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
      );
      try {
        return await work();
      } catch (error) {
        const code = statementOutcome(error);
        span.setAttribute('error.type', code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        throw error;
      } finally {
        span.end();
      }
    },
  };

  return { plugin, observer, shutdown: () => provider.shutdown() };
}
