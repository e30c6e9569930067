import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import type { Driver } from 'neo4j-driver';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { Executor } from './db/executor';
import { READINESS } from './db/queries/nodes';
import { DatabaseHealth } from './db/health';
import { errorReportingPlugin, maskUnexpectedErrors } from './plugins/errorReporting';
import { roundTripsHeaderPlugin } from './plugins/roundTrips';
import { requestTransactionPlugin } from './plugins/requestTransaction';
import { cachePolicyPlugin } from './plugins/cachePolicy';
import { BOOKMARK_HEADER, bookmarksPlugin, parseBookmarkHeader } from './plugins/bookmarks';
import { armorProtection, costLimitPlugin } from './plugins/limits';
import { createAuthenticator, type Caller } from './auth';
import { createApqCache } from './apqCache';
import { clientOf, createClientLimits } from './plugins/clientLimits';
import { createObservability, type Observability } from './observability';
import { createPages } from './pages';
import { createLive, type Live } from './live';
import { nudgeAfterWrites } from './live/plugin';
import type { Logger } from './logger';
import { buildSchema } from './schema';

/** The part of the configuration the HTTP app needs. */
export type AppConfig = Pick<
  Config,
  'corsOrigins' | 'production' | 'http' | 'limits' | 'auth' | 'pages' | 'maxImportRecords' | 'apq' | 'clientLimits' | 'observability' | 'federation' | 'subscriptions'
> & {
  readonly neo4j: Pick<Config['neo4j'], 'database' | 'queryTimeoutMs'>;
};

export interface AppDeps {
  readonly config: AppConfig;
  readonly driver: Driver;
  readonly log: Logger;
  /** Whether the database is known to be down; by default one probing through `driver`. */
  readonly health?: DatabaseHealth;
  /** Metrics and traces; by default built from `config.observability` (tests pass their own exporter). */
  readonly observability?: Observability;
}

export interface App {
  readonly httpServer: http.Server;
  readonly apollo: ApolloServer<Context>;
  /** The subscription transports (null when SUBSCRIPTIONS=false). */
  readonly live: Live | null;
  /** From now on `/ready` answers 503 (`stopping`), so a balancer stops sending; requests are still served. */
  leavePool(): void;
  /** Stops Apollo and drains the HTTP server; the caller owns the driver and the database. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

/**
 * Errors of the JSON body parser (a body over BODY_LIMIT, malformed JSON) as GraphQL-shaped JSON with a
 * stable code, instead of Express's HTML page (which shows a stack trace outside production).
 */
const bodyErrorsAsGraphQL: express.ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: 'The request body is larger than the server accepts (BODY_LIMIT)', extensions: { code: 'BAD_REQUEST', limit: 'body' } }] });
  } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  } else {
    next(error);
  }
};

/** Builds the HTTP app and Apollo server without listening, so tests can use it on any port. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, driver, log } = deps;
  const app = express();
  const httpServer = http.createServer(app);
  const schema = buildSchema({ federation: config.federation });
  const armor = armorProtection(config.limits, config.production);
  const pages = createPages(config.pages, config.http.introspection, schema);
  const observability = deps.observability ?? createObservability(config.observability);
  const clientLimits = createClientLimits(config.clientLimits, () => observability.refused('rate'));
  const apq = createApqCache(config.apq, log);
  const health =
    deps.health ?? new DatabaseHealth({ probe: () => driver.getServerInfo({ database: config.neo4j.database }).then(() => undefined), log });
  const authenticate = createAuthenticator(config.auth);
  const contextDeps = {
    driver,
    database: config.neo4j.database,
    queryTimeoutMs: config.neo4j.queryTimeoutMs,
    requestTimeoutMs: config.http.requestTimeoutMs,
    maxImportRecords: config.maxImportRecords,
    log,
    health,
    ...(observability.observer ? { observer: observability.observer } : {}),
  };
  const live = config.subscriptions.enabled
    ? createLive({
        schema,
        config: config.subscriptions,
        limits: config.limits,
        validationRules: armor.validationRules,
        trustProxy: config.http.trustProxy,
        authenticate,
        newContext: (request) => createContext(contextDeps, request),
        db: new Executor({ driver, database: config.neo4j.database, timeoutMs: config.neo4j.queryTimeoutMs, log, requestId: 'audit-follower', health }),
        log,
      })
    : null;
  const apollo = new ApolloServer<Context>({
    schema,
    logger: log,
    plugins: [
      // A subgraph schema would switch on Apollo's inline tracing (per-field timings to any caller that
      // asks with a header); traces go to OpenTelemetry instead (src/observability).
      ApolloServerPluginInlineTraceDisabled(),
      // Cache-Control from the schema's hints, once per document; the subgraph's entities set dynamic
      // hints (src/federation.ts), which only Apollo's field-by-field plugin sees.
      ...(config.federation ? [] : [ApolloServerPluginCacheControlDisabled(), cachePolicyPlugin(schema)]),
      // On stop: refuse new connections, let in-flight requests finish, close the rest after the grace period.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.http.shutdownGraceMs }),
      ...armor.plugins,
      costLimitPlugin(schema, config.limits),
      errorReportingPlugin(),
      roundTripsHeaderPlugin(),
      requestTransactionPlugin(),
      bookmarksPlugin(),
      clientLimits.plugin,
      ...(live ? [nudgeAfterWrites(live.follower)] : []),
      ...observability.plugins,
      pages.landingPage,
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.limits.maxTokens },
    formatError: maskUnexpectedErrors,
    // maskUnexpectedErrors strips stack traces from every error, in every mode.
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.production,
    introspection: config.http.introspection,
    allowBatchedHttpRequests: config.http.allowBatching,
    csrfPrevention: true,
    ...(apq.cache ? { persistedQueries: { cache: apq.cache } } : {}),
    // src/index.ts owns the signals: it stops accepting, drains, then closes the driver and Neo4j in order.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  // GraphQL answers are POSTs with Cache-Control hints; hashing every body for an ETag is work nobody uses.
  app.set('etag', false);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use(cors({ origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins], exposedHeaders: ['x-request-id', 'x-db-round-trips', BOOKMARK_HEADER, 'retry-after'] }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The probe's own deadline (its timeout plus the executor's grace) keeps the answer within READY_TIMEOUT_MS
  // even when Neo4j cannot answer at all.
  const probe = new Executor({ driver, database: config.neo4j.database, timeoutMs: READY_TIMEOUT_MS - 600, log, requestId: 'readiness', health });
  let leaving = false;
  app.get('/ready', async (_req, res) => {
    if (leaving) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    try {
      await probe.read(READINESS);
      res.json({ status: 'ready' });
    } catch (error) {
      log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use(observability.router);
  app.use(pages.router);

  if (live) {
    observability.gauge('graphql_subscription_connections', 'Open subscription connections (WebSocket and SSE).', () => live.stats().connections);
    observability.gauge('graphql_subscriptions', 'Open subscriptions.', () => live.stats().subscriptions);
    observability.gauge('graphql_subscription_slow_consumer_drops', 'Connections dropped since start because a subscriber did not keep up.', () => live.stats().drops);
    app.use('/graphql/stream', express.json({ limit: config.http.bodyLimit }), live.sse, bodyErrorsAsGraphQL);
    live.attach(httpServer);
  }

  app.use(
    '/graphql',
    // The caller is resolved once, before the client's budgets are checked; a credential that is present
    // but wrong is refused by the context below (as a GraphQL error) and counts against the address.
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.locals.caller = await authenticate(req.headers).catch((error: unknown) => error);
      next();
    },
    clientLimits.middleware,
    express.json({ limit: config.http.bodyLimit }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const caller = res.locals.caller as Caller | Error;
        if (caller instanceof Error) throw caller;
        return createContext(contextDeps, {
          requestId: String(req.id),
          caller,
          client: clientOf(caller, req),
          bookmarks: parseBookmarkHeader(req.headers[BOOKMARK_HEADER]),
          shareReads: true,
          ...(typeof req.body?.operationName === 'string' ? { operationName: req.body.operationName } : {}),
        });
      },
    }),
    bodyErrorsAsGraphQL,
  );

  return {
    httpServer,
    apollo,
    live,
    leavePool: () => {
      leaving = true;
    },
    stop: async () => {
      await live?.close();
      await apollo.stop();
      health.close();
      await apq.close();
      await observability.shutdown();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
