import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration of the process, read from the environment once.
 * Every other module receives a `Config`; nothing else reads `process.env`.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly corsOrigins: readonly string[] | '*';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly neo4j: {
    /** Unset: the embedded Neo4j is started and used. */
    readonly uri: string | undefined;
    readonly user: string;
    readonly password: string | undefined;
    readonly database: string;
    readonly queryTimeoutMs: number;
    readonly connectRetries: number;
  };
  readonly embedded: {
    readonly port: number;
    readonly dataDir: string;
    readonly heap: string;
    readonly pageCache: string;
    /** A fresh store starts as a copy of the seeded store template (embedded/storeTemplate.ts), made on first need. */
    readonly template: boolean;
  };
  readonly seedOnEmpty: boolean;
  /** At start-up, upgrade a store seeded from this project when the seed files changed (import/seedUpgrade.ts). */
  readonly seedUpgrade: boolean;
  /** `production` hides stack traces and schema hints from clients. */
  readonly production: boolean;
  readonly http: {
    readonly introspection: boolean;
    readonly allowBatching: boolean;
    /** Largest request body, e.g. `100kb`. */
    readonly bodyLimit: string;
    /** Deadline of a whole request; every Neo4j transaction gets what is left of it. */
    readonly requestTimeoutMs: number;
    /** How long SIGTERM waits for in-flight requests before closing connections anyway. */
    readonly shutdownGraceMs: number;
    /**
     * After SIGTERM, how long `/ready` answers 503 while requests are still served, before the listener
     * closes: a balancer takes the instance out first (set it above the health check's fall x inter).
     */
    readonly shutdownDelayMs: number;
    /**
     * Which proxies to believe about the client's address (Express `trust proxy`): false (none, the
     * default), true (any), a hop count, or addresses/subnets such as `loopback` or `10.0.0.0/8`.
     */
    readonly trustProxy: boolean | number | string;
  };
  /** Automatic persisted queries: in memory (the default), or shared by every instance at `url` (redis://). */
  readonly apq: {
    readonly cacheUrl: string | undefined;
  };
  /**
   * Budgets per client (the API key or token's name, else the address): requests per second, and the
   * summed query cost of its requests in flight. Over budget: 429 with Retry-After. 0 switches one off.
   */
  readonly clientLimits: {
    readonly rateAnonymous: number;
    readonly rateAuthenticated: number;
    readonly concurrentCostAnonymous: number;
    readonly concurrentCostAuthenticated: number;
    /**
     * How long a refusal (429) is held before it is sent, at most its Retry-After: a client that ignores
     * Retry-After and asks again at once waits this long per refusal instead of costing a refusal per
     * round trip. 0 answers at once.
     */
    readonly refusalHoldMs: number;
  };
  /** Prometheus metrics at /metrics and OpenTelemetry traces. */
  readonly observability: {
    readonly metrics: boolean;
    /** When set, /metrics needs `Authorization: Bearer <token>`. */
    readonly metricsToken: string | undefined;
    /** Traces are exported (OTLP over HTTP) only when this is set. */
    readonly otlpEndpoint: string | undefined;
    /** OTLP's encoding: protobuf (the OTLP default) or JSON. */
    readonly otlpProtocol: 'http/protobuf' | 'http/json';
    readonly serviceName: string;
    /** Share of operations traced (0–1), their statements with them (a parent-based trace-id ratio). */
    readonly tracesSampleRatio: number;
  };
  /** Serve the schema as an Apollo Federation 2 subgraph (entities keyed by `id`), for a company's supergraph. */
  readonly federation: boolean;
  /**
   * Subscriptions (graphql-ws at /graphql, SSE at /graphql/stream), fed by following the audit trail in
   * Neo4j: every instance sees every instance's writes, no broker needed.
   */
  readonly subscriptions: {
    readonly enabled: boolean;
    /** How often an instance with subscribers reads the audit trail for new entries. */
    readonly pollMs: number;
    /** Open subscriptions one WebSocket may hold. */
    readonly perConnection: number;
    /** Open WebSocket and SSE connections one client (credential, else address) may hold. */
    readonly connectionsPerClient: number;
    /** Changes waiting for a slow subscriber before it is dropped. */
    readonly buffer: number;
  };
  /** Supervision of the embedded Neo4j: restarts after a crash before the process gives up (exit 1). */
  readonly supervision: {
    readonly maxRestarts: number;
  };
  /** Browser pages: the Apollo Sandbox landing page (CDN), the offline explorer and the visual graph page. */
  readonly pages: {
    readonly sandbox: boolean;
    readonly explorer: boolean;
    readonly graph: boolean;
  };
  /** Largest number of records one `importRecords` mutation accepts. */
  readonly maxImportRecords: number;
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
    /** Query cost budgets per role (see plugins/limits.ts for the cost model). */
    readonly costAnonymous: number;
    readonly costAuthenticated: number;
  };
  readonly auth: {
    /** API keys by SHA-256 hash (hex) of the key. */
    readonly apiKeys: readonly { readonly name: string; readonly role: Role; readonly sha256: string }[];
    readonly jwtSecret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly jwtIssuer: string | undefined;
    readonly jwtAudience: string | undefined;
    /** When true, reads need a credential too. */
    readonly readsRequireAuth: boolean;
  };
}

const ROLE = z.enum(['reader', 'writer']);
/** What a credential may do: `reader` reads, `writer` also writes (mutations). */
export type Role = z.infer<typeof ROLE>;
/** One `name:role:sha256` entry of API_KEYS (the whole variable is checked by its regex first). */
const API_KEY_ENTRY = z.tuple([z.string(), ROLE, z.string()]);

const memory = z.string().regex(/^\d+[kmg]$/i, 'a size such as 512m or 1g');
const port = z.coerce.number({ error: 'a port number' }).int('a whole number').min(1, 'a port 1-65535').max(65535, 'a port 1-65535');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const EnvSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  CORS_ORIGINS: z.string().default('*'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s/]+/, 'a bolt://, neo4j://, neo4j+s:// or bolt+s:// URI')
    .optional(),
  NEO4J_USER: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().min(1).optional(),
  NEO4J_DATABASE: z.string().regex(/^[A-Za-z0-9.-]+$/, 'a database name').default('neo4j'),
  NEO4J_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  NEO4J_CONNECT_RETRIES: z.coerce.number().int().min(0).max(100).default(5),
  NEO4J_EMBEDDED_PORT: port.default(7687),
  NEO4J_EMBEDDED_DATA_DIR: z.string().min(1).default('.data/neo4j'),
  NEO4J_EMBEDDED_HEAP: memory.default('512m'),
  NEO4J_EMBEDDED_PAGECACHE: memory.default('256m'),
  NEO4J_EMBEDDED_TEMPLATE: bool.default(true),
  SEED_ON_EMPTY: bool.default(true),
  SEED_UPGRADE: bool.default(true),
  NODE_ENV: z.string().default('development'),
  INTROSPECTION: bool.default(true),
  ALLOW_BATCHED_REQUESTS: bool.default(false),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb or 1mb').default('100kb'),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[\w.:/,\s-]+)$/, 'true, false, a hop count, or addresses such as loopback or 10.0.0.0/8')
    .default('false'),
  APQ_CACHE_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL')
    .optional(),
  RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(0).default(100),
  RATE_LIMIT_AUTHENTICATED: z.coerce.number().int().min(0).default(1_000),
  CONCURRENT_COST_ANONYMOUS: z.coerce.number().int().min(0).default(200_000),
  CONCURRENT_COST_AUTHENTICATED: z.coerce.number().int().min(0).default(2_000_000),
  RATE_LIMIT_HOLD_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  METRICS: bool.default(true),
  METRICS_TOKEN: z.string().min(16, 'a token of at least 16 characters').optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'an http(s):// URL of an OTLP collector' }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json'], { error: 'http/protobuf or http/json (gRPC is not supported)' }).default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().min(1).default('critical-minerals-graph'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0, 'a ratio from 0 to 1').max(1, 'a ratio from 0 to 1').default(1),
  FEDERATION: bool.default(false),
  SUBSCRIPTIONS: bool.default(true),
  SUBSCRIPTION_POLL_MS: z.coerce.number().int().min(20).max(2_000).default(250),
  SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(20),
  CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(10),
  // At most 1,000: a Repeater holds at most 1,024 values pushed and not yet taken (live/streams.ts).
  SUBSCRIPTION_BUFFER: z.coerce.number().int().min(1).max(1_000).default(1_000),
  NEO4J_EMBEDDED_MAX_RESTARTS: z.coerce.number().int().min(0).max(100).default(5),
  SANDBOX: bool.optional(),
  EXPLORER: bool.default(true),
  GRAPH_PAGE: bool.default(true),
  MAX_IMPORT_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(12),
  MAX_ALIASES: z.coerce.number().int().min(1).max(1000).default(30),
  MAX_DIRECTIVES: z.coerce.number().int().min(1).max(1000).default(50),
  MAX_TOKENS: z.coerce.number().int().min(10).max(1_000_000).default(5_000),
  COST_LIMIT_ANONYMOUS: z.coerce.number().int().min(1).default(50_000),
  COST_LIMIT_AUTHENTICATED: z.coerce.number().int().min(1).default(500_000),
  API_KEYS: z
    .string()
    .regex(/^([\w.-]+:(reader|writer):[0-9a-f]{64})(,[\w.-]+:(reader|writer):[0-9a-f]{64})*$/, 'a comma-separated list of name:role:sha256hex (see `npm run apikey`)')
    .optional(),
  JWT_SECRET: z.string().min(32, 'a secret of at least 32 characters').optional(),
  JWT_JWKS_URL: z.url({ error: 'an https:// URL of a JWKS' }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  READS_REQUIRE_AUTH: bool.default(false),
});

/** Variables whose values are never echoed, not even in an error. */
const SECRET_VARIABLES = new Set(['NEO4J_PASSWORD', 'JWT_SECRET', 'API_KEYS', 'METRICS_TOKEN', 'APQ_CACHE_URL']);

/** A configuration problem a person can fix: printed as one line, exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const blankToUndefined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const shown = SECRET_VARIABLES.has(variable) ? '' : `=${JSON.stringify(env[variable] ?? '')}`;
    throw new ConfigError(`Invalid ${variable}${shown}: expected ${issue?.message ?? 'a valid value'}`);
  }
  const e = parsed.data;
  const origins = e.CORS_ORIGINS.trim() === '*' ? '*' : e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    port: e.PORT,
    host: e.HOST,
    corsOrigins: origins,
    logLevel: e.LOG_LEVEL,
    neo4j: {
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      queryTimeoutMs: e.NEO4J_QUERY_TIMEOUT_MS,
      connectRetries: e.NEO4J_CONNECT_RETRIES,
    },
    embedded: {
      port: e.NEO4J_EMBEDDED_PORT,
      dataDir: path.resolve(cwd, e.NEO4J_EMBEDDED_DATA_DIR),
      heap: e.NEO4J_EMBEDDED_HEAP,
      pageCache: e.NEO4J_EMBEDDED_PAGECACHE,
      template: e.NEO4J_EMBEDDED_TEMPLATE,
    },
    seedOnEmpty: e.SEED_ON_EMPTY,
    seedUpgrade: e.SEED_UPGRADE,
    production: e.NODE_ENV === 'production',
    http: {
      introspection: e.INTROSPECTION,
      allowBatching: e.ALLOW_BATCHED_REQUESTS,
      bodyLimit: e.BODY_LIMIT,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
      trustProxy: trustProxy(e.TRUST_PROXY),
    },
    apq: { cacheUrl: e.APQ_CACHE_URL },
    clientLimits: {
      rateAnonymous: e.RATE_LIMIT_ANONYMOUS,
      rateAuthenticated: e.RATE_LIMIT_AUTHENTICATED,
      concurrentCostAnonymous: e.CONCURRENT_COST_ANONYMOUS,
      concurrentCostAuthenticated: e.CONCURRENT_COST_AUTHENTICATED,
      refusalHoldMs: e.RATE_LIMIT_HOLD_MS,
    },
    observability: {
      metrics: e.METRICS,
      metricsToken: e.METRICS_TOKEN,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      otlpProtocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
      serviceName: e.OTEL_SERVICE_NAME,
      tracesSampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
    },
    federation: e.FEDERATION,
    subscriptions: {
      enabled: e.SUBSCRIPTIONS,
      pollMs: e.SUBSCRIPTION_POLL_MS,
      perConnection: e.SUBSCRIPTIONS_PER_CONNECTION,
      connectionsPerClient: e.CONNECTIONS_PER_CLIENT,
      buffer: e.SUBSCRIPTION_BUFFER,
    },
    supervision: { maxRestarts: e.NEO4J_EMBEDDED_MAX_RESTARTS },
    // The Sandbox loads from Apollo's CDN: on unless production, where it is opt-in.
    pages: { sandbox: e.SANDBOX ?? e.NODE_ENV !== 'production', explorer: e.EXPLORER, graph: e.GRAPH_PAGE },
    maxImportRecords: e.MAX_IMPORT_RECORDS,
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxTokens: e.MAX_TOKENS,
      costAnonymous: e.COST_LIMIT_ANONYMOUS,
      costAuthenticated: e.COST_LIMIT_AUTHENTICATED,
    },
    auth: {
      apiKeys: (e.API_KEYS ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => {
          const [name, role, sha256] = API_KEY_ENTRY.parse(entry.split(':'));
          return { name, role, sha256 };
        }),
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
      readsRequireAuth: e.READS_REQUIRE_AUTH,
    },
  };
}

/** TRUST_PROXY as Express takes it: a boolean, a hop count, or the addresses as written. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
