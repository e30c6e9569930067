import type { AddressInfo } from 'node:net';
import neo4j, { type Driver } from 'neo4j-driver';
import pino from 'pino';
import { createApp, type App, type AppConfig } from '../../src/server';
import { loadConfig } from '../../src/config';
import { CLIENT_BUDGETS_OFF } from '../../harness/serverProcess';
import { createContext, type Context } from '../../src/context';

export const database = process.env.NEO4J_DATABASE ?? 'neo4j';
export const silentLog = pino({ level: 'silent' });

/**
 * The app configuration of the tests: the defaults with the per-client budgets off (the suites send
 * hundreds of requests from one address, as one client; a test of the budgets sets its own), with
 * `env` on top (variables as in the README).
 */
export function appConfig(env: Record<string, string> = {}): AppConfig {
  const config = loadConfig({ NEO4J_DATABASE: database, ...CLIENT_BUDGETS_OFF, ...env });
  return { ...config, neo4j: { database, queryTimeoutMs: 15_000 } };
}

/** A driver to the test database started by globalSetup. */
export function testDriver(): Driver {
  const uri = process.env.TEST_NEO4J_URI;
  if (!uri) throw new Error('TEST_NEO4J_URI is unset: run the tests through jest (globalSetup starts Neo4j)');
  const password = process.env.NEO4J_PASSWORD;
  return neo4j.driver(uri, password ? neo4j.auth.basic(process.env.NEO4J_USER ?? 'neo4j', password) : undefined, {
    disableLosslessIntegers: true,
  });
}

export interface RunningServer {
  readonly app: App;
  readonly url: string;
  readonly driver: Driver;
  close(): Promise<void>;
}

/** The real HTTP server on a free loopback port, over the real database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const driver = testDriver();
  const app = await createApp({ config: appConfig(env), driver, log: silentLog });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    app,
    driver,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.stop();
      await driver.close();
    },
  };
}

/**
 * The app (in-process, no HTTP listener) and a driver for one test file: built before its tests,
 * closed after them. Read `app` and `driver` inside tests, not at module level.
 */
export function setupInProcessApp(env: Record<string, string> = {}): { readonly app: App; readonly driver: Driver } {
  const handle = {} as { app: App; driver: Driver };
  beforeAll(async () => {
    handle.driver = testDriver();
    handle.app = await createApp({ config: appConfig(env), driver: handle.driver, log: silentLog });
  });
  afterAll(async () => {
    await handle.app.stop();
    await handle.driver.close();
  });
  return handle;
}

/** A fresh per-request context, for tests that execute operations without HTTP and inspect the executor. */
export function testContext(driver: Driver, request: Parameters<typeof createContext>[1] = 'test'): Context {
  return createContext({ driver, database, queryTimeoutMs: 15_000, log: silentLog }, request);
}

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** Executes an operation in-process (no HTTP) and returns its single result. */
export async function execute<T = Record<string, unknown>>(
  app: App,
  ctx: Context,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await app.apollo.executeOperation({ query, variables }, { contextValue: ctx });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as GraphQLResponse<T>;
}
