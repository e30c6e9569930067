import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import http from 'node:http';
import { once } from 'node:events';
import WebSocket from 'ws';
import { sha256Hex } from '../../src/auth';
import { until } from '../../harness/events';
import { removeTestData } from '../support/cleanup';
import { database, silentLog, startTestServer, type RunningServer } from '../support/testServer';
import { Executor } from '../../src/db/executor';
import { latestChange } from '../../src/db/audit';
import { ensureSchema } from '../../src/import/importer';

/**
 * Subscriptions (issue #16) over both transports, against the real database: changes with their
 * sources, resuming after a disconnect without loss or repetition, a write on one instance reaching a
 * subscriber on another, authentication, the limits, and slow consumers dropped with a reason.
 */
const PREFIX = 'fac-livetest-';
const ACTOR = 'live-test';
const WRITER_KEY = 'writer-key-for-live-tests-0123456789';
const READER_KEY = 'reader-key-for-live-tests-0123456789';
const KEYS = `${ACTOR}:writer:${sha256Hex(WRITER_KEY)},live-reader:reader:${sha256Hex(READER_KEY)}`;
const SOURCE = 'seed-topcor-magnets';

interface ChangeEvent {
  id: string;
  action: string;
  actor: string;
  target: string;
  after: string | null;
  cursor: string;
  sources: { id: string }[];
}
interface Result<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const servers: RunningServer[] = [];
async function server(env: Record<string, string> = {}): Promise<RunningServer> {
  const started = await startTestServer({ API_KEYS: KEYS, ...env });
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await removeTestData({ prefix: PREFIX, actors: [ACTOR] });
});

const wsUrl = (s: RunningServer) => `${s.url.replace('http', 'ws')}/graphql`;

async function post<T>(s: RunningServer, query: string, variables: Record<string, unknown> = {}, key = WRITER_KEY): Promise<Result<T>> {
  const response = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}

const UPSERT = `mutation($id: ID!, $name: String!, $description: String) {
  upsertFacility(input: { id: $id, name: $name, kind: "test plant", status: PLANNED, description: $description }, sources: [{ id: "${SOURCE}" }]) { change { id cursor } }
}`;
/** Writes one facility; returns its audit entry's id and cursor. */
async function write(s: RunningServer, id: string, name: string, description: string | null = null): Promise<{ id: string; cursor: string }> {
  const result = await post<{ upsertFacility: { change: { id: string; cursor: string } } }>(s, UPSERT, { id, name, description });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.upsertFacility.change;
}

const CHANGES = `subscription($entity: ID, $after: String, $kinds: [ChangeAction!]) {
  changes(entity: $entity, after: $after, kinds: $kinds) { id action actor target after cursor sources { id } }
}`;

/** Collects the events of one subscription; `next(n)` resolves when n have arrived. */
class Collector<T> {
  readonly events: T[] = [];
  errors: unknown[] = [];
  /** The server ended the subscription. */
  completed = false;
  private waiters: { count: number; resolve: () => void }[] = [];
  push(event: T): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.count ? (w.resolve(), false) : true));
  }
  fail(error: unknown): void {
    this.errors.push(error);
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }
  /** Resolves once `count` events arrived (or an error did). */
  reach(count: number): Promise<void> {
    if (this.events.length >= count || this.errors.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

function wsClient(s: RunningServer, params: Record<string, unknown> = { 'x-api-key': READER_KEY }, retry = false): WsClient {
  return createWsClient({ url: wsUrl(s), webSocketImpl: WebSocket, connectionParams: params, retryAttempts: retry ? 5 : 0, lazy: false });
}

function subscribeWs<T>(client: WsClient, query: string, variables: Record<string, unknown>, collector: Collector<T>, pick: (data: any) => T): () => void {
  return client.subscribe<any>(
    { query, variables },
    {
      next: (result) => (result.errors ? collector.fail(result.errors) : collector.push(pick(result.data))),
      error: (error) => collector.fail(error),
      complete: () => {
        collector.completed = true;
      },
    },
  );
}

describe('changes', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await server();
  });

  it('reach a subscriber over graphql-ws and one over SSE with their actor and sources', async () => {
    const id = `${PREFIX}both`;
    const start = await write(s, id, 'Live test (both transports)');
    const overWs = new Collector<ChangeEvent>();
    const overSse = new Collector<ChangeEvent>();
    const ws = wsClient(s);
    const sse = createSseClient({ url: `${s.url}/graphql/stream`, headers: { 'x-api-key': READER_KEY }, retryAttempts: 0 });
    try {
      // From the first write's cursor: whatever the timing of the subscriptions, the next write is after it.
      subscribeWs(ws, CHANGES, { entity: id, after: start.cursor }, overWs, (d) => d.changes);
      sse.subscribe<any>(
        { query: CHANGES, variables: { entity: id, after: start.cursor } },
        { next: (r) => (r.errors ? overSse.fail(r.errors) : overSse.push(r.data.changes)), error: (e) => overSse.fail(e), complete: () => undefined },
      );
      const second = await write(s, id, 'Live test (both transports), renamed');
      await Promise.all([overWs.reach(1), overSse.reach(1)]);
      for (const collector of [overWs, overSse]) {
        expect(collector.errors).toEqual([]);
        expect(collector.events).toHaveLength(1);
        expect(collector.events[0]).toMatchObject({ id: second.id, action: 'UPDATE', actor: ACTOR, target: id, sources: [{ id: SOURCE }] });
        expect(JSON.parse(collector.events[0]!.after!)).toMatchObject({ name: 'Live test (both transports), renamed' });
      }
    } finally {
      await ws.dispose();
      sse.dispose();
    }
  });

  it('are the only operations served: queries and mutations go to POST /graphql', async () => {
    const ws = wsClient(s);
    const query = new Collector<unknown>();
    try {
      subscribeWs(ws, '{ __typename }', {}, query, (d) => d);
      await query.reach(1);
      expect((query.errors[0] as any)[0]).toMatchObject({ message: 'Only subscriptions are served here; send queries to POST /graphql', extensions: { code: 'BAD_REQUEST' } });
    } finally {
      await ws.dispose();
    }
  });

  it('filter by entity and kind, and start from now without a cursor', async () => {
    const id = `${PREFIX}filtered`;
    await write(s, id, 'Live test (filtered)');
    const updates = new Collector<ChangeEvent>();
    const ws = wsClient(s);
    try {
      subscribeWs(ws, CHANGES, { entity: id, kinds: ['DELETE'] }, updates, (d) => d.changes);
      await following(s, 1);
      await write(s, `${PREFIX}other`, 'Another entity');
      await write(s, id, 'Live test (filtered), renamed');
      const deleted = await post<{ deleteEntity: { change: { id: string } } }>(s, `mutation { deleteEntity(id: "${id}", sources: [{ id: "${SOURCE}" }]) { change { id } } }`);
      await updates.reach(1);
      expect(updates.events.map((e) => [e.id, e.action])).toEqual([[deleted.data!.deleteEntity.change.id, 'DELETE']]);
      // The list filters the same way, in the same order.
      const listed = await post<{ changes: { id: string; action: string }[] }>(s, `query($e: ID) { changes(entity: $e, kinds: [DELETE, CREATE]) { id action } }`, { e: id });
      expect(listed.data?.changes.map((c) => c.action)).toEqual(['CREATE', 'DELETE']);
      expect(listed.data?.changes[1]?.id).toBe(deleted.data!.deleteEntity.change.id);
    } finally {
      await ws.dispose();
    }
  });

  it('resume after a disconnect during 1,000 writes: each write exactly once, in commit order', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `${PREFIX}burst-${i}`);
    const start = await write(s, ids[0]!, 'Burst start');
    const written: string[] = [];
    const received = new Collector<ChangeEvent>();
    let resumed = false;
    let first = wsClient(s);
    subscribeWs(first, CHANGES, { after: start.cursor, kinds: ['CREATE', 'UPDATE'] }, received, (d) => d.changes);

    // Four writers in parallel, so entries commit interleaved; the subscriber leaves after 50 events and
    // comes back with its last cursor once 600 writes are done.
    let next = 0;
    const writers = Array.from({ length: 4 }, async () => {
      while (next < 1_000) {
        const n = next++;
        written.push((await write(s, ids[n % ids.length]!, `Burst ${n}`)).id);
        if (written.length === 600 && !resumed) {
          resumed = true;
          const cursor = received.events.at(-1)!.cursor;
          first = wsClient(s);
          subscribeWs(first, CHANGES, { after: cursor, kinds: ['CREATE', 'UPDATE'] }, received, (d) => d.changes);
        }
      }
    });
    await received.reach(50);
    await first.dispose();
    const seenBeforeLeaving = received.events.length;
    await Promise.all(writers);
    await received.reach(1_000);
    await first.dispose();

    expect(received.errors).toEqual([]);
    expect(seenBeforeLeaving).toBeLessThan(600);
    const got = received.events.map((e) => e.id);
    expect(new Set(got).size).toBe(got.length);
    expect(got.slice().sort()).toEqual(written.slice().sort());
    // Commit order: the cursors' sequence numbers only grow.
    const seqs = received.events.map((e) => JSON.parse(Buffer.from(e.cursor, 'base64url').toString())[1] as number);
    expect(seqs).toEqual(seqs.slice().sort((a, b) => a - b));
  }, 120_000);
});

/**
 * Waits until `count` streams follow the audit trail on `server`. A subscription without `after` starts
 * from the last entry when its stream begins following, which is a moment after the transport counts it
 * open (`stats().subscriptions`): a write committed in between is before its start. Waiting for the
 * follower's listener is the event that says a write from now on is delivered (CI once wrote in that gap,
 * and the across-instances test waited forever).
 */
async function following(server: { app: { live: { follower: { size: number } } | null } }, count: number): Promise<void> {
  await until(async () => server.app.live!.follower.size === count, 'the subscription follows the trail', 10_000);
}

describe('across instances', () => {
  it('a change written through one instance reaches a subscriber on another within 2 s', async () => {
    const [one, other] = [await server(), await server()];
    const id = `${PREFIX}across`;
    await write(one, id, 'Across instances');
    const events = new Collector<ChangeEvent>();
    const ws = wsClient(other);
    try {
      subscribeWs(ws, CHANGES, { entity: id }, events, (d) => d.changes);
      await following(other, 1);
      const sent = Date.now();
      const change = await write(one, id, 'Across instances, renamed');
      await events.reach(1);
      const elapsed = Date.now() - sent;
      expect(events.events[0]?.id).toBe(change.id);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      await ws.dispose();
    }
  });
});

describe('entity and impactChanged', () => {
  it('answer at once, then again after a change to the entity or to the affected set', async () => {
    const s = await server();
    const id = `${PREFIX}watched`;
    await write(s, id, 'Watched');
    const states = new Collector<{ id: string; name: string } | null>();
    const impacts = new Collector<{ disrupted: { id: string }[] }>();
    const ws = wsClient(s);
    try {
      subscribeWs(ws, `subscription($id: ID!) { entity(id: $id) { id name } }`, { id }, states, (d) => d.entity);
      subscribeWs(ws, `subscription($of: [ID!]!) { impactChanged(of: $of) { disrupted { id } } }`, { of: [id] }, impacts, (d) => d.impactChanged);
      await Promise.all([states.reach(1), impacts.reach(1)]);
      expect(states.events[0]).toEqual({ id, name: 'Watched' });
      await write(s, id, 'Watched, renamed');
      await Promise.all([states.reach(2), impacts.reach(2)]);
      expect(states.events[1]).toEqual({ id, name: 'Watched, renamed' });
      expect(impacts.events[1]).toEqual({ disrupted: [{ id }] });
      await post(s, `mutation { deleteEntity(id: "${id}", sources: [{ id: "${SOURCE}" }]) { change { id } } }`);
      await states.reach(3);
      expect(states.events[2]).toBeNull();
      expect(states.errors).toEqual([]);
      // The impact of an entity that no longer exists: the subscription says so.
      await until(async () => impacts.errors.length > 0, 'impactChanged reports the deletion', 10_000);
      expect((impacts.errors[0] as any)[0]).toMatchObject({ extensions: { code: 'NOT_FOUND', id } });
      // Bad arguments fail the subscription itself, before anything is streamed.
      const refused = [new Collector<unknown>(), new Collector<unknown>()];
      const IMPACT = `subscription($of: [ID!]!, $maxHops: Int) { impactChanged(of: $of, maxHops: $maxHops) { disrupted { id } } }`;
      subscribeWs(ws, IMPACT, { of: [`${PREFIX}never-written`] }, refused[0]!, (d) => d);
      subscribeWs(ws, IMPACT, { of: ['fac-glazov-magnet'], maxHops: 99 }, refused[1]!, (d) => d);
      await until(async () => refused.every((r) => r.completed), 'both subscriptions ended by the server', 10_000);
      expect(refused.map((r) => [r.events.length, (r.errors[0] as any)[0].extensions.code])).toEqual([
        [0, 'NOT_FOUND'],
        [0, 'BAD_USER_INPUT'],
      ]);
    } finally {
      await ws.dispose();
    }
  });
});

/** A raw graphql-ws connection, for watching close codes and pausing the reader. */
async function rawConnection(s: RunningServer, params: Record<string, unknown>): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }>; messages: unknown[] }> {
  const socket = new WebSocket(wsUrl(s), 'graphql-transport-ws');
  const messages: unknown[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: params }));
  return { socket, closed, messages };
}

describe('authentication and limits', () => {
  it('refuse unauthenticated subscriptions when reads require auth, on both transports', async () => {
    const s = await server({ READS_REQUIRE_AUTH: 'true' });
    const anonymous = await rawConnection(s, {});
    expect(await anonymous.closed).toEqual({ code: 4403, reason: 'This server requires an API key or a bearer token' });
    const wrongKey = await rawConnection(s, { 'x-api-key': 'not-a-key' });
    expect((await wrongKey.closed).code).toBe(4403);

    const sse = await fetch(`${s.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: CHANGES }),
    });
    expect(sse.status).toBe(401);
    expect(((await sse.json()) as Result<unknown>).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // With a reader's key the same subscription is accepted.
    const reader = await rawConnection(s, { 'x-api-key': READER_KEY });
    await until(async () => reader.messages.some((m: any) => m.type === 'connection_ack'), 'acknowledged', 10_000);
    reader.socket.close();
  });

  it('limit subscriptions per connection and connections per client, and serve only subscriptions', async () => {
    const s = await server({ SUBSCRIPTIONS_PER_CONNECTION: '2', CONNECTIONS_PER_CLIENT: '1' });
    const ws = wsClient(s);
    const results = [new Collector<unknown>(), new Collector<unknown>(), new Collector<unknown>()];
    try {
      subscribeWs(ws, CHANGES, {}, results[0]!, (d) => d);
      subscribeWs(ws, CHANGES, {}, results[1]!, (d) => d);
      subscribeWs(ws, CHANGES, {}, results[2]!, (d) => d);
      await results[2]!.reach(1);
      expect((results[2]!.errors[0] as any)[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerConnection', max: 2 } });

      const second = await rawConnection(s, { 'x-api-key': READER_KEY });
      expect(await second.closed).toEqual({ code: 4429, reason: 'Too many connections for this client (at most 1)' });
      const sse = await fetch(`${s.url}/graphql/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': READER_KEY },
        body: JSON.stringify({ query: CHANGES }),
      });
      expect(sse.status).toBe(429);
      expect(((await sse.json()) as Result<unknown>).errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'connectionsPerClient' });
    } finally {
      await ws.dispose();
    }
    await until(async () => s.app.live!.stats().connections === 0, 'the connection is released', 10_000);
  });

  it('drop a slow consumer with a reason, holding at most SUBSCRIPTION_BUFFER changes for it', async () => {
    const BUFFER = 20;
    const SUBSCRIPTIONS = 40;
    const s = await server({ SUBSCRIPTION_BUFFER: String(BUFFER), SUBSCRIPTIONS_PER_CONNECTION: String(SUBSCRIPTIONS) });
    const start = await write(s, `${PREFIX}slow`, 'Slow consumer start');
    const slow = await rawConnection(s, { 'x-api-key': READER_KEY });
    await until(async () => slow.messages.some((m: any) => m.type === 'connection_ack'), 'acknowledged', 10_000);
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      slow.socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: CHANGES, variables: { after: start.cursor } } }));
    }
    await until(async () => s.app.live!.stats().subscriptions === SUBSCRIPTIONS, 'every subscription is open', 10_000);
    // The client stops reading: the socket's buffers fill, then the server's queues would.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(5_000);
    let writes = 0;
    let closedWith: { code: number; reason: string } | undefined;
    void slow.closed.then((c) => (closedWith = c));
    // Writes until the server gives up on the reader: every change goes to each of the 40 subscriptions.
    while (s.app.live!.stats().subscriptions > 0 && writes < 500) {
      await write(s, `${PREFIX}slow`, `Slow consumer ${writes}`, `${big} ${writes++}`);
    }
    expect(s.app.live!.stats().subscriptions).toBe(0);
    expect(s.app.live!.stats().mostWaiting).toBeLessThanOrEqual(BUFFER);
    expect(closedWith).toBeUndefined(); // The reader has not seen the close yet: it reads nothing.
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^Slow consumer: more than 20 changes waited/);
    await until(async () => s.app.live!.stats().connections === 0, 'the connection is released', 10_000);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^graphql_subscription_slow_consumer_drops 1$/m);
    expect(metrics).toMatch(/^graphql_subscriptions 0$/m);
    expect(metrics).toMatch(/^graphql_subscription_connections 0$/m);
  }, 120_000);
});

describe('a slow consumer over SSE', () => {
  it('gets SLOW_CONSUMER as its last event, and its stream ends', async () => {
    const BUFFER = 20;
    const s = await server({ SUBSCRIPTION_BUFFER: String(BUFFER), BODY_LIMIT: '200kb' });
    const start = await write(s, `${PREFIX}slow-sse`, 'Slow SSE start');
    const streams = [0, 1].map(
      () =>
        new Promise<{ response: http.IncomingMessage }>((resolve, reject) => {
          const request = http.request(`${s.url}/graphql/stream`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': READER_KEY },
          });
          request.once('error', reject);
          // The reader takes the headers, then stops reading: the sockets' buffers fill, then the server's queue would.
          request.once('response', (response) => {
            response.pause();
            resolve({ response });
          });
          request.end(JSON.stringify({ query: CHANGES, variables: { after: start.cursor } }));
        }),
    );
    const readers = await Promise.all(streams);
    await until(async () => s.app.live!.stats().subscriptions === readers.length, 'every stream is open', 10_000);
    const big = 'y'.repeat(90_000);
    let writes = 0;
    while (s.app.live!.stats().subscriptions > 0 && writes < 400) {
      await write(s, `${PREFIX}slow-sse`, `Slow SSE ${writes}`, `${big} ${writes++}`);
    }
    expect(s.app.live!.stats().subscriptions).toBe(0);
    expect(s.app.live!.stats().mostWaiting).toBeLessThanOrEqual(BUFFER);
    for (const { response } of readers) {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.resume();
      await once(response, 'end');
      const text = Buffer.concat(chunks).toString();
      expect(text).toMatch(/event: next\ndata: \{"errors":\[\{"message":"Slow consumer: more than 20 changes waited[^\n]*"code":"SLOW_CONSUMER"/);
      expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true);
    }
    await until(async () => s.app.live!.stats().connections === 0, 'the connections are released', 10_000);
  }, 120_000);
});

describe('the audit clock', () => {
  it('numbers entries written before it existed after the numbered ones, oldest first', async () => {
    const s = await server();
    await write(s, `${PREFIX}clock`, 'Clock');
    const ids = [`${PREFIX}old-b`, `${PREFIX}old-a`];
    // Two entries as an earlier release wrote them: no number; written in the order b, a.
    await s.driver.executeQuery(
      `UNWIND $entries AS e CREATE (:Change {id: e.id, at: datetime(e.at), actor: $actor, role: 'writer', action: 'UPDATE', target: e.id, entityIds: [e.id], sourceIds: []})`,
      { entries: [{ id: ids[0], at: '2020-01-01T00:00:00Z' }, { id: ids[1], at: '2020-01-02T00:00:00Z' }], actor: ACTOR },
    );
    const executor = new Executor({ driver: s.driver, database, timeoutMs: 15_000, log: silentLog, requestId: 'test' });
    const before = await latestChange(executor);
    await ensureSchema(executor);
    const { records } = await s.driver.executeQuery('MATCH (c:Change) WHERE c.id IN $ids RETURN c.id AS id, c.seq AS seq ORDER BY seq', { ids });
    expect(records.map((r) => [r.get('id'), r.get('seq')])).toEqual([
      [ids[0], before + 1],
      [ids[1], before + 2],
    ]);
    // The next write goes on after them, and `changes` lists them in that order.
    const next = await write(s, `${PREFIX}clock`, 'Clock, renamed');
    const page = await post<{ changes: { id: string }[] }>(s, `query($after: String) { changes(after: $after, first: 3) { id } }`, { after: null });
    expect(page.errors).toBeUndefined();
    expect(await latestChange(executor)).toBe(before + 3);
    const { records: last } = await s.driver.executeQuery('MATCH (c:Change {id: $id}) RETURN c.seq AS seq', { id: next.id });
    expect(last[0]?.get('seq')).toBe(before + 3);
    await ensureSchema(executor); // idempotent
    expect(await latestChange(executor)).toBe(before + 3);
  });
});

describe('shutdown', () => {
  it('closes open WebSocket subscriptions with 1001 and ends SSE streams', async () => {
    const s = await server();
    const ws = await rawConnection(s, { 'x-api-key': READER_KEY });
    await until(async () => ws.messages.some((m: any) => m.type === 'connection_ack'), 'acknowledged', 10_000);
    ws.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CHANGES } }));
    const sse = await fetch(`${s.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': READER_KEY },
      body: JSON.stringify({ query: CHANGES }),
    });
    expect(sse.status).toBe(200);
    await until(async () => s.app.live!.stats().subscriptions === 2, 'both subscriptions are open', 10_000);
    const ended = sse.text();
    await s.app.stop();
    expect(await ws.closed).toEqual({ code: 1001, reason: 'Going away' });
    await expect(ended).resolves.toEqual(expect.any(String));
    await until(async () => s.app.live!.stats().subscriptions === 0 && s.app.live!.stats().connections === 0, 'every subscription and connection ended', 10_000);
  });
});
