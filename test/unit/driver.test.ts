import net from 'node:net';
import pino from 'pino';
import { createDriver, DatabaseUnreachableError, waitForDatabase } from '../../src/db/driver';

/** A loopback port with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('waitForDatabase', () => {
  it('gives up after the configured retries with a clear error instead of hanging', async () => {
    const port = await closedPort();
    const driver = createDriver({ uri: `bolt://127.0.0.1:${port}`, user: 'neo4j', password: undefined, database: 'neo4j', queryTimeoutMs: 1000, connectRetries: 2 });
    const started = Date.now();
    try {
      await expect(waitForDatabase(driver, 'neo4j', 2, pino({ level: 'silent' }))).rejects.toThrow(DatabaseUnreachableError);
      await expect(waitForDatabase(driver, 'neo4j', 0, pino({ level: 'silent' }))).rejects.toThrow(/unreachable after 1 attempt/);
    } finally {
      await driver.close();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
