import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createDriver } from '../../src/db/driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/embedded';
import { freePort } from '../../src/net';
import { createApp, type App } from '../../src/server';
import { until } from '../../harness/events';
import { appConfig, silentLog } from '../support/testServer';

/**
 * A database outage, against a Neo4j of its own (the shared test database stays up): the server stays
 * up, `/ready` says 503, requests fail with SERVICE_UNAVAILABLE instead of hanging, and once Neo4j is
 * back the same server answers again without a restart.
 */
describe('database outage', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-outage-'));
  let port: number;
  let neo4j: EmbeddedNeo4j | undefined;
  let app: App;
  let url: string;
  const start = async () => {
    neo4j = await startEmbeddedNeo4j({ port, dataDir, heap: '512m', pageCache: '64m' });
  };

  beforeAll(async () => {
    port = await freePort();
    await start();
    const driver = createDriver({ ...appConfig().neo4j, uri: `bolt://127.0.0.1:${port}`, user: 'neo4j', password: undefined, connectRetries: 0 });
    app = await createApp({ config: appConfig(), driver, log: silentLog });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await app.stop();
    await neo4j?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const query = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ element(symbol: "Nd") { name } }' }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } }));

  it('fails fast while Neo4j is down and recovers without a restart', async () => {
    expect((await query()).body).toEqual({ data: { element: null } }); // an empty database answers
    await neo4j!.stop();

    expect((await fetch(`${url}/ready`)).status).toBe(503);
    const started = Date.now();
    const down = await query();
    expect(down.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(15_000);

    // Back: `start()` resolves once the new Neo4j accepts Bolt connections (the event). Requests fail
    // fast until the server's health check (a probe every 500 ms) has seen it answer, then answer -
    // the driver replaces its dead pooled connections - with no restart of the server.
    await start();
    const up = await until(async () => {
      const answer = await query();
      return answer.body.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE' ? undefined : answer;
    }, 'an answer once Neo4j is back', 5_000);
    expect(up.body).toEqual({ data: { element: null } });
    expect((await fetch(`${url}/ready`)).status).toBe(200);
  }, 120_000);
});
