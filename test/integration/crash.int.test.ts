import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../../src/auth';
import { isAlive } from '../../src/embedded/pidFile';
import { freePort } from '../../src/net';
import { until } from '../../harness/events';
import { startServerProcess, type ServerProcess } from '../../harness/serverProcess';

/**
 * The embedded Neo4j dies (SIGKILL of its JVM, as the OOM killer would): the server process, in embedded
 * mode, fails requests fast while the database is down, restarts Neo4j on the same store and port, and
 * answers again without a restart of its own. When Neo4j cannot be restarted (its port is taken), the
 * server gives up after NEO4J_EMBEDDED_MAX_RESTARTS and exits non-zero, for its own supervisor to act.
 */

/** What "fail fast" allows for one request while the database is known to be down (issue #15). */
const FAIL_FAST_MS = 1_000;

const QUERY = '{ element(symbol: "Nd") { name } }';
/** A write: the driver would retry it for seconds (maxTransactionRetryTime) against a dead database. */
const WRITE = `mutation { upsertCompany(input: { id: "com-crash-test", name: "Crash test", kind: "test" },
  sources: [{ id: "src-crash-test", title: "crash test", publisher: "example.org", date: "2026-11-30", url: "https://example.org/crash" }]) { created } }`;
const WRITER_KEY = 'writer-key-for-crash-tests-0123456789';

interface Answer {
  readonly status: number;
  readonly body: { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  readonly ms: number;
}

async function ask(server: ServerProcess, query = QUERY): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': WRITER_KEY },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'], ms: Date.now() - started };
}

async function startEmbeddedServer(dataDir: string, boltPort: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess(
    {
      NEO4J_EMBEDDED_DATA_DIR: dataDir,
      NEO4J_EMBEDDED_PORT: String(boltPort),
      NEO4J_EMBEDDED_HEAP: '512m',
      NEO4J_EMBEDDED_PAGECACHE: '64m',
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'info',
      API_KEYS: `crash-test:writer:${sha256Hex(WRITER_KEY)}`,
      ...env,
    },
    { readyTimeoutMs: 180_000 },
  );
}

const neo4jPidOf = (dataDir: string): number => Number(fs.readFileSync(path.join(dataDir, 'embedded-neo4j.pid'), 'utf8'));

describe('the embedded Neo4j dies', () => {
  const dataDirs: string[] = [];
  const servers: ServerProcess[] = [];
  const blockers: net.Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop(10_000)));
    for (const blocker of blockers) blocker.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const scratch = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-crash-'));
    dataDirs.push(dir);
    return dir;
  };

  it('fails requests fast while it is down, restarts it, and answers again without a server restart', async () => {
    const dataDir = scratch();
    const server = await startEmbeddedServer(dataDir, await freePort());
    servers.push(server);
    expect((await ask(server)).body).toEqual({ data: { element: null } });
    const firstPid = neo4jPidOf(dataDir);

    const down = server.waitForLine((line) => line.includes('database down'), 30_000);
    process.kill(firstPid, 'SIGKILL');
    await down;

    // Known down: answered at once with SERVICE_UNAVAILABLE, not after the driver's connection retries.
    for (const query of [QUERY, WRITE]) {
      const whileDown = await ask(server, query);
      expect(whileDown.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(whileDown.ms).toBeLessThan(FAIL_FAST_MS);
    }
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);

    // Restarted by the server itself (a new JVM on the same store) and answering within 60 s.
    await server.waitForLine((line) => line.includes('embedded Neo4j restarted'), 60_000);
    await until(async () => (await fetch(`${server.url}/ready`)).status === 200, 'ready again after the restart', 30_000);
    expect((await ask(server)).body).toEqual({ data: { element: null } });
    expect((await ask(server, WRITE)).body).toMatchObject({ data: { upsertCompany: { created: true } } });
    const secondPid = neo4jPidOf(dataDir);
    expect(secondPid).not.toBe(firstPid);
    expect(isAlive(server.pid)).toBe(true);
  }, 240_000);

  it('exits non-zero when Neo4j cannot be restarted, so a process supervisor can restart everything', async () => {
    const dataDir = scratch();
    const boltPort = await freePort();
    const server = await startEmbeddedServer(dataDir, boltPort, { NEO4J_EMBEDDED_MAX_RESTARTS: '1' });
    servers.push(server);
    const pid = neo4jPidOf(dataDir);
    process.kill(pid, 'SIGKILL');
    await until(async () => !isAlive(pid), 'the JVM gone', 10_000);
    // Another process takes the Bolt port before the first restart (1 s after the exit), so it fails.
    const blocker = net.createServer((socket) => socket.destroy());
    blockers.push(blocker);
    await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(boltPort, '127.0.0.1', resolve));

    const exit = await server.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(server.output()).toContain('the embedded Neo4j could not be restarted');
  }, 240_000);
});
