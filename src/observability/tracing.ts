import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context as TraceContext, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
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
  /** How they are encoded (OTEL_EXPORTER_OTLP_PROTOCOL); protobuf, OTLP's default, unless set. */
  readonly protocol?: 'http/protobuf' | 'http/json';
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
  const url = `${(options.endpoint ?? '').replace(/\/+$/, '')}/v1/traces`;
  const exporter = options.exporter ?? (options.protocol === 'http/json' ? new JsonExporter({ url }) : new ProtobufExporter({ url }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: rootSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('critical-minerals-graph');
  /** The span of each operation in progress, by request id, and the context its statements start in. */
  const operations = new Map<string, { readonly span: Span; readonly context: TraceContext }>();

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart({ contextValue }) {
      const { requestId } = contextValue;
      // Named at the end, when the operation is known: `unknown` if it never is (a document that does not parse).
      const span = tracer.startSpan('unknown', { kind: SpanKind.SERVER, attributes: { [REQUEST_ID_ATTRIBUTE]: requestId } }, ROOT_CONTEXT);
      const operation = { span, context: trace.setSpan(ROOT_CONTEXT, span) };
      operations.set(requestId, operation);
      return {
        async willSendResponse(requestContext) {
          if (operations.get(requestId) === operation) operations.delete(requestId);
          if (!span.isRecording()) return;
          const { name, type, outcome } = summarize(requestContext);
          span.updateName(name);
          span.setAttributes({ 'graphql.operation.name': name, 'graphql.operation.type': type, 'graphql.outcome': outcome });
          if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
        },
      };
    },
  };

  const observer: StatementObserver = {
    async observe<T>(statement: ObservedStatement, work: () => Promise<T>): Promise<T> {
      const parent = statement.requestId === undefined ? undefined : operations.get(statement.requestId);
      // An operation left out by the sampler: its statements are not traced either, at no cost.
      if (parent && !parent.span.isRecording()) return work();
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
        parent?.context ?? ROOT_CONTEXT,
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

/** The sampler of operations that have no sampled parent: all, none, or a trace-id ratio in between. */
function rootSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}
