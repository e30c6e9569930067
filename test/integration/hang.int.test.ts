import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Driver } from 'neo4j-driver';
import { createDriver } from '../../src/db/driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/embedded';
import { freePort } from '../../src/net';
import { createApp, type App } from '../../src/server';
import { abandonedStatements } from '../../src/db/executor';
import { until } from '../../harness/events';
import { createContext } from '../../src/context';
import { appConfig, execute, silentLog } from '../support/testServer';

/**
 * A database that hangs (its process frozen with SIGSTOP, as in a long GC pause or a network partition),
 * against a Neo4j of its own: Neo4j cannot enforce a transaction timeout while frozen, so the server
 * does. Every request is answered within its deadline (TIMEOUT), `/ready` says 503 within 2 s; once a
 * probe confirms Neo4j does not answer, requests fail at once (SERVICE_UNAVAILABLE); and once
 * Neo4j runs again the same server answers again.
 */
const REQUEST_TIMEOUT_MS = 1_000;
/** What the answer may take beyond the deadline: the executor's grace (500 ms) and a loaded machine. */
const SLACK_MS = 1_500;
/** What "fail fast" allows for one request while the database is known to be down (issue #15). */
const FAIL_FAST_MS = 1_000;

describe('a hung database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-hang-'));
  let neo4j: EmbeddedNeo4j;
  let app: App;
  let driver: Driver;
  let url: string;
  let frozen = false;

  beforeAll(async () => {
    const port = await freePort();
    neo4j = await startEmbeddedNeo4j({ port, dataDir, heap: '512m', pageCache: '64m' });
    driver = createDriver({ ...appConfig().neo4j, uri: neo4j.uri, user: 'neo4j', password: undefined, connectRetries: 0 });
    app = await createApp({ config: appConfig({ REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }), driver, log: silentLog });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    if (frozen) process.kill(neo4j.pid, 'SIGCONT');
    await app.stop();
    await neo4j.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const query = (text: string) =>
    fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) }).then(
      async (r) => (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
    );
  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };

  it('answers every request within its deadline while Neo4j is frozen, and again once it runs', async () => {
    // A fresh Neo4j plans and compiles its first statements slowly, on a loaded machine for longer than
    // the 1 s deadline (a statement cut at its deadline leaves no plan behind): the same operations run
    // first in-process with a minute's deadline, so that their statements are planned, then over HTTP.
    for (const text of ['{ element(symbol: "Nd") { name } }', '{ facilities(first: 5) { edges { node { id } } } }', '{ dependents(of: "dep-x") { hops } }']) {
      const warmUp = createContext({ driver, database: appConfig().neo4j.database, queryTimeoutMs: 60_000, log: silentLog }, 'warm-up');
      await execute(app, warmUp, text);
      await until(async () => (await query(text)).errors?.[0]?.extensions?.code !== 'TIMEOUT', `a first answer to ${text}`, 60_000);
    }
    expect(await query('{ element(symbol: "Nd") { name } }')).toEqual({ data: { element: null } });

    process.kill(neo4j.pid, 'SIGSTOP');
    frozen = true;
    const answers = await Promise.all(
      ['{ element(symbol: "Nd") { name } }', '{ facilities(first: 5) { edges { node { id } } } }', '{ dependents(of: "dep-x") { hops } }'].map((text) =>
        timed(() => query(text)),
      ),
    );
    for (const { value, ms } of answers) {
      expect(value.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    }
    // The statements the server stopped waiting for still hold their connections, stuck on the frozen Neo4j.
    expect(abandonedStatements()).toBeGreaterThan(0);
    const ready = await timed(() => fetch(`${url}/ready`));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_000 + 500);
    // The unanswered statements made the health check probe Neo4j; it does not answer either, so the
    // database is known down and requests fail at once instead of each waiting for its deadline.
    await until(async () => (await query('{ element(symbol: "Nd") { name } }')).errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE', 'known down', 30_000);
    const whileDown = await timed(() => query('{ facilities(first: 5) { edges { node { id } } } }'));
    expect(whileDown.value.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(whileDown.ms).toBeLessThan(FAIL_FAST_MS);

    // Stuck connections are dropped while Neo4j is still frozen: it promised keep-alives on busy
    // connections (the hint `connection.recv_timeout_seconds`, 5 s x 2 probes), and the driver closes a
    // connection that sends none, so the abandoned statements settle and their sessions close.
    await until(async () => abandonedStatements() === 0, 'stuck connections dropped while Neo4j is frozen', 40_000);

    process.kill(neo4j.pid, 'SIGCONT');
    frozen = false;
    // Running again: the stuck transactions finish or time out in Neo4j, their connections come back,
    // and requests answer (the event: the first request that does).
    await until(async () => (await query('{ element(symbol: "Nd") { name } }')).data !== undefined, 'an answer after SIGCONT', 30_000);
    await until(async () => (await fetch(`${url}/ready`)).status === 200, '/ready 200 after SIGCONT', 10_000);
  }, 120_000);
});
