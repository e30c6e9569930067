import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Driver } from 'neo4j-driver';
import { createObservability } from '../../src/observability';
import { createApp, type App } from '../../src/server';
import { appConfig, silentLog, testDriver } from '../support/testServer';
import { startServerProcess, testDatabaseEnv } from '../../harness/serverProcess';

/** A traversal with its paths, then one batch for the operators of the paths' nodes (not folded): two statements. */
const DEPENDENTS = /* GraphQL */ `query Deps { dependents(of: "dep-lovozero", maxHops: 6) { hops path { nodes { id ... on Facility { operator { name } } } } } }`;
const PAGE = /* GraphQL */ `query Page { facilities(first: 2) { edges { node { id name } } } }`;
const TOO_MANY = /* GraphQL */ `query TooMany { facilities(first: 1000) { edges { cursor } } }`;

async function listen(app: App): Promise<string> {
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
}

async function post(url: string, query: string, requestId: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get('x-request-id')).toBe(requestId);
  return response.json();
}

describe('traces (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let driver: Driver;
  let app: App;
  let url: string;
  beforeAll(async () => {
    driver = testDriver();
    const config = appConfig();
    // No OTEL_EXPORTER_OTLP_ENDPOINT: the exporter alone switches traces on.
    expect(config.observability.otlpEndpoint).toBeUndefined();
    app = await createApp({ config, driver, log: silentLog, observability: createObservability(config.observability, { spanExporter: exporter }) });
    url = await listen(app);
  });
  afterAll(async () => {
    await app?.stop();
    await driver?.close();
  });

  const spansOf = (requestId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.attributes['request.id'] === requestId);

  it('gives an operation one span, with its statements as child spans', async () => {
    expect((await post(url, DEPENDENTS, 'trace-deps')).errors).toBeUndefined();
    const spans = spansOf('trace-deps');
    const operations = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(operations).toHaveLength(1);
    const operation = operations[0]!;
    expect(operation.name).toBe('Deps');
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.attributes).toMatchObject({ 'graphql.operation.name': 'Deps', 'graphql.operation.type': 'query', 'graphql.outcome': 'ok', 'request.id': 'trace-deps' });
    expect(operation.status.code).not.toBe(SpanStatusCode.ERROR);

    const statements = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(statements.map((s) => s.name)).toEqual(['dependents', 'batch(operatedBy)']);
    for (const statement of statements) {
      expect(statement.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(statement.spanContext().traceId).toBe(operation.spanContext().traceId);
      expect(statement.attributes).toMatchObject({ 'db.system': 'neo4j', 'db.system.name': 'neo4j', 'db.operation.name': statement.name, 'db.neo4j.access': 'READ' });
    }
    expect(operation.resource.attributes['service.name']).toBe('critical-minerals-graph');
  });

  it('keeps the statements of concurrent operations under their own spans', async () => {
    const ids = ['trace-a', 'trace-b', 'trace-c', 'trace-d'];
    const answers = await Promise.all(ids.map((id, i) => post(url, i % 2 ? PAGE : DEPENDENTS, id)));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const traceIds = new Set<string>();
    for (const [i, id] of ids.entries()) {
      const spans = spansOf(id);
      const operation = spans.find((s) => s.kind === SpanKind.SERVER)!;
      expect(operation.name).toBe(i % 2 ? 'Page' : 'Deps');
      const statements = spans.filter((s) => s.kind === SpanKind.CLIENT);
      expect(statements.map((s) => s.name)).toEqual(i % 2 ? ['list.Facility+fold'] : ['dependents', 'batch(operatedBy)']);
      for (const s of statements) expect(s.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      traceIds.add(operation.spanContext().traceId);
    }
    expect(traceIds.size).toBe(ids.length);
  });

  it('marks a failed operation with its error code', async () => {
    expect((await post(url, TOO_MANY, 'trace-error')).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const [operation, ...rest] = spansOf('trace-error');
    expect(rest).toEqual([]);
    expect(operation?.name).toBe('TooMany');
    expect(operation?.attributes['graphql.outcome']).toBe('BAD_USER_INPUT');
    expect(operation?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'BAD_USER_INPUT' });
  });
});

describe('traces over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  // A server process, not the app in jest: the OTLP exporter loads node:http with a dynamic import(),
  // which jest's module sandbox refuses without --experimental-vm-modules.
  it.each([
    { protocol: undefined, contentType: 'application/x-protobuf', answer: '' },
    { protocol: 'http/json', contentType: 'application/json', answer: '{}' },
  ])('are batched to <endpoint>/v1/traces as $contentType (OTEL_EXPORTER_OTLP_PROTOCOL $protocol) and flushed when the server stops', async ({ protocol, contentType, answer }) => {
    const posts: { path: string | undefined; contentType: string | undefined; body: string }[] = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        // Protobuf keeps strings as UTF-8 bytes, so the names below are found in either encoding.
        posts.push({ path: req.url, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('latin1') });
        // An empty ExportTraceServiceResponse: no body in protobuf, `{}` in JSON.
        res.writeHead(200, { 'content-type': contentType }).end(answer);
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const env = { ...testDatabaseEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'traces-test', ...(protocol ? { OTEL_EXPORTER_OTLP_PROTOCOL: protocol } : {}) };
      const server = await startServerProcess(env);
      try {
        expect((await post(server.url, PAGE, 'trace-otlp')).errors).toBeUndefined();
        // The batch waits 5 s; a SIGTERM exports what is pending before the process exits.
        expect(posts).toEqual([]);
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
      expect(posts.map((p) => [p.path, p.contentType])).toEqual([['/v1/traces', contentType]]);
      const sent = posts[0]!.body;
      expect(sent).toContain('traces-test');
      expect(sent).toContain('trace-otlp');
      expect(sent).toContain('list.Facility+fold');
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

describe('trace sampling (OTEL_TRACES_SAMPLER_ARG)', () => {
  it('traces the sampled share of operations, and the statements of exactly those', async () => {
    const driver = testDriver();
    const exporter = new InMemorySpanExporter();
    const config = appConfig({ OTEL_TRACES_SAMPLER_ARG: '0.5' });
    const app = await createApp({ config, driver, log: silentLog, observability: createObservability(config.observability, { spanExporter: exporter }) });
    try {
      const url = await listen(app);
      const ids = Array.from({ length: 40 }, (_, i) => `sampled-${i}`);
      for (const id of ids) expect((await post(url, PAGE, id)).errors).toBeUndefined();
      const spans = exporter.getFinishedSpans();
      const traced = new Set(spans.filter((s) => s.kind === SpanKind.SERVER).map((s) => String(s.attributes['request.id'])));
      // A trace-id ratio of 0.5 over 40 operations: some traced, some not (all or none has odds of 2^-39).
      expect(traced.size).toBeGreaterThan(0);
      expect(traced.size).toBeLessThan(ids.length);
      // Statements are traced with their operation and only then.
      const statementOwners = new Set(spans.filter((s) => s.kind === SpanKind.CLIENT).map((s) => String(s.attributes['request.id'])));
      expect(statementOwners).toEqual(traced);
    } finally {
      await app.stop();
      await driver.close();
    }
  });
});
