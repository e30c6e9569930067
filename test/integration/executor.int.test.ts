import net from 'node:net';
import pino from 'pino';
import neo4j, { type Driver } from 'neo4j-driver';
import { z } from 'zod';
import { until } from '../../harness/events';
import { Executor } from '../../src/db/executor';
import { ProfilingExecutor } from '../../src/db/profiling';
import { database, silentLog, testDriver } from '../support/testServer';

let driver: Driver;
beforeAll(() => {
  driver = testDriver();
});
afterAll(async () => {
  await driver.executeQuery('MATCH (n:ExecutorProbe) DETACH DELETE n', {}, { database });
  await driver.close();
});

const executor = () => new Executor({ driver, database, timeoutMs: 5_000, log: silentLog, requestId: 'probe' });
const ID_ROW = z.object({ id: z.string() });
const CREATE = { name: 'probe.create', cypher: 'CREATE (n:ExecutorProbe {id: $id}) RETURN n.id AS id', row: ID_ROW };
const READ = { name: 'probe.read', cypher: 'MATCH (n:ExecutorProbe {id: $id}) RETURN n.id AS id', row: ID_ROW };
const COUNT_ROW = z.object({ n: z.number() });

describe('Executor access modes', () => {
  it('runs reads in READ transactions, which the database refuses to write in', async () => {
    await expect(executor().read(CREATE, { id: 'read-mode' })).rejects.toThrow(/read access mode|AccessMode|not allowed/i);
    expect(await executor().read(READ, { id: 'read-mode' })).toEqual([]);
  });

  it('runs writes in WRITE transactions, each its own round trip; a following read on the same instance sees them', async () => {
    const db = executor();
    expect(await db.write(CREATE, { id: 'write-mode' })).toEqual([{ id: 'write-mode' }]);
    expect(await db.read(READ, { id: 'write-mode' })).toEqual([{ id: 'write-mode' }]);
    expect(db.roundTrips).toBe(2);
  });

  it('enforces the transaction timeout and maps it to TIMEOUT', async () => {
    const slow = new Executor({ driver, database, timeoutMs: 200, log: silentLog });
    const sleepy = { name: 'probe.slow', cypher: 'UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i) AS n', row: COUNT_ROW };
    await expect(slow.read(sleepy)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('adds up the PROFILE db hits of its statements when profiling', async () => {
    const profiled = new ProfilingExecutor({ driver, database, timeoutMs: 5_000, log: silentLog });
    await profiled.read({ name: 'probe.count', cypher: 'MATCH (n:Element) RETURN count(n.symbol) AS n', row: COUNT_ROW });
    expect(profiled.dbHits).toBeGreaterThan(30);
  });
});

/** A TCP proxy to the test database that, when armed, cuts the next connection that sends anything. */
async function cuttingProxy() {
  const target = new URL(process.env.TEST_NEO4J_URI!.replace(/^neo4j/, 'bolt'));
  let armed = false;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => {
      if (armed) {
        armed = false;
        cuts++;
        client.destroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    arm: () => (armed = true),
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Executor reads', () => {
  it('send a read again when its connection is cut (a retryable error), as a managed transaction would', async () => {
    const proxy = await cuttingProxy();
    const cut = neo4j.driver(proxy.uri, undefined, { disableLosslessIntegers: true });
    try {
      await cut.verifyConnectivity({ database });
      // The fault is real: a plain auto-commit read fails when its connection is cut.
      proxy.arm();
      await expect(cut.session({ database }).run('RETURN 1 AS n')).rejects.toThrow();
      expect(proxy.cuts()).toBe(1);

      const db = new Executor({ driver: cut, database, timeoutMs: 5_000, log: silentLog });
      proxy.arm();
      expect(await db.read({ name: 'probe.one', cypher: 'RETURN 1 AS n', row: COUNT_ROW })).toEqual([{ n: 1 }]);
      expect(proxy.cuts()).toBe(2);
    } finally {
      await cut.close();
      await proxy.close();
    }
  });
});

describe('Executor reads over the memory a transaction may use', () => {
  it('fail with RESOURCE_LIMIT at once: the driver calls the error transient, but the same statement needs as much again', async () => {
    // The limit of the database under test (256 MiB in the embedded one); without one nothing stops a
    // statement short of the heap, so there is nothing to test.
    const { records } = await driver.executeQuery("CALL dbms.listConfig('db.memory.transaction.max') YIELD value RETURN value", {}, { database });
    const limit = String(records[0]?.get('value') ?? '0').match(/^([\d.]+)\s*(B|KiB|MiB|GiB)?$/);
    const bytes = limit ? Number(limit[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB'].indexOf(limit[2] ?? 'B') : 0;
    if (!(bytes > 0 && bytes <= 1024 ** 3)) return console.warn(`db.memory.transaction.max is ${records[0]?.get('value')}: not tested`);
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const db = new Executor({ driver, database, timeoutMs: 30_000, log });
    // Strings of 250 characters collected into one list, twice as many as the limit holds.
    const hungry = { name: 'probe.hungry', cypher: 'UNWIND range(1, $n) AS i RETURN size(collect($pad + i)) AS n', row: COUNT_ROW };
    await expect(db.read(hungry, { n: neo4j.int(Math.ceil((2 * bytes) / 250)), pad: 'x'.repeat(250) })).rejects.toMatchObject({
      code: 'RESOURCE_LIMIT',
      details: { limit: 'transactionMemory' },
    });
    expect(lines.filter((line) => line.includes('"cypher failed"'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"read retried"'))).toHaveLength(0);
  });
});

describe('Executor reads shared in one transaction (a GraphQL request)', () => {
  const shared = (requestId: string) => new Executor({ driver, database, timeoutMs: 5_000, log: silentLog, requestId, shareReads: true });
  const ONE = { name: 'probe.one', cypher: 'RETURN 1 AS n', row: COUNT_ROW };
  const openTransactions = async (requestId: string): Promise<number> => {
    const { records } = await driver.executeQuery('SHOW TRANSACTIONS YIELD metaData WHERE metaData.requestId = $requestId RETURN count(*) AS n', { requestId }, { database });
    return Number(records[0]!.get('n'));
  };

  it('run in one transaction from the second on, open between them, until endReads commits it', async () => {
    const db = shared('shared-reads');
    // The first runs alone (an auto-commit transaction, over once it has answered).
    expect(await db.read(ONE)).toEqual([{ n: 1 }]);
    expect(await openTransactions('shared-reads')).toBe(0);
    expect(await db.read(READ, { id: 'none' })).toEqual([]);
    expect(await db.read(ONE)).toEqual([{ n: 1 }]);
    expect(await openTransactions('shared-reads')).toBe(1);
    db.endReads();
    await until(async () => (await openTransactions('shared-reads')) === 0, 'the shared transaction ended', 5_000);
    // The next read begins a new one.
    expect(await db.read(ONE)).toEqual([{ n: 1 }]);
    expect(await openTransactions('shared-reads')).toBe(1);
    db.endReads();
  });

  it('a failing statement fails alone: the reads in flight beside it are sent again, each in a transaction of its own', async () => {
    const db = shared('shared-failure');
    await db.read(ONE);
    const failing = { name: 'probe.divide', cypher: 'UNWIND [1, 0] AS d RETURN 1 / d AS n', row: COUNT_ROW };
    const [failed, sibling] = await Promise.allSettled([db.read(failing), db.read(ONE)]);
    expect(failed).toMatchObject({ status: 'rejected' });
    expect(sibling).toEqual({ status: 'fulfilled', value: [{ n: 1 }] });
    expect(await db.read(ONE)).toEqual([{ n: 1 }]);
    db.endReads();
  });

  it('a write ends the shared read transaction: the reads after it begin a new one, which sees the write', async () => {
    const db = shared('shared-write');
    await db.read(ONE);
    expect(await db.read(READ, { id: 'shared-write' })).toEqual([]);
    expect(await openTransactions('shared-write')).toBe(1);
    await db.write(CREATE, { id: 'shared-write' });
    await until(async () => (await openTransactions('shared-write')) === 0, 'the read transaction before the write ended', 5_000);
    expect(await db.read(READ, { id: 'shared-write' })).toEqual([{ id: 'shared-write' }]);
    db.endReads();
  });
});
