import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Driver } from 'neo4j-driver';
import { sha256Hex } from '../../src/auth';
import { createDriver } from '../../src/db/driver';
import { createApp, type App } from '../../src/server';
import { NOT_A_LEADER, startBoltCluster, type BoltCluster, type TransactionRecord } from '../../harness/bolt/cluster';
import { until } from '../../harness/events';
import { appConfig, database, silentLog, type GraphQLResponse } from '../support/testServer';
import { removeTestData } from '../support/cleanup';

/**
 * The real server over a cluster topology (issue #15): two app instances, each with its own routing
 * driver, talk to a writer and two readers of the stand-in in harness/bolt/cluster.ts, which forwards
 * everything to the one test Neo4j and records each transaction. The tests read the records: which
 * member carried a request's transactions, the bookmarks they asked for, whether they were held.
 */
const run = randomBytes(4).toString('hex');
const FACILITY = `test-${run}-cluster`;
const WRITER_KEY = `writer-${run}`;
const SOURCES = [{ id: 'seed-topcor-magnets' }];
/** How far the lagging readers are behind in the test of a mutation's own read. */
const LAG_MS = 500;

interface Instance {
  readonly app: App;
  readonly driver: Driver;
  readonly url: string;
}

let cluster: BoltCluster;
const instances: Instance[] = [];

async function startInstance(): Promise<Instance> {
  const driver = createDriver({ uri: cluster.uri, user: 'neo4j', password: process.env.NEO4J_PASSWORD, database, queryTimeoutMs: 15_000, connectRetries: 0 });
  const app = await createApp({ config: appConfig({ API_KEYS: `curator:writer:${sha256Hex(WRITER_KEY)}`, ALLOW_BATCHED_REQUESTS: 'true' }), driver, log: silentLog });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  return { app, driver, url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  cluster = await startBoltCluster(process.env.TEST_NEO4J_URI!);
  instances.push(await startInstance(), await startInstance());
  const created = await rename(instances[0]!, 'Cluster plant', `${run}-create`, { kind: 'magnet plant', status: 'PLANNED' });
  expect(created.body.errors).toBeUndefined();
});

afterAll(async () => {
  for (const { app } of instances) await app.stop();
  for (const { driver } of instances) await driver.close();
  await cluster?.close();
  await removeTestData({ prefix: `test-${run}` });
});

afterEach(() => {
  for (const reader of cluster.readers) {
    reader.lag(0);
    reader.catchUp();
  }
  expect(cluster.protocolErrors).toEqual([]);
});

interface Answer<T> {
  readonly status: number;
  readonly bookmarkHeader: string | null;
  readonly body: GraphQLResponse<T> & { extensions?: { bookmarks?: string[] } };
}

async function post<T>(instance: Instance, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<Answer<T>> {
  const response = await fetch(`${instance.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, bookmarkHeader: response.headers.get('x-neo4j-bookmark'), body: (await response.json()) as Answer<T>['body'] };
}

const READ_NAME = /* GraphQL */ `
  query Name($id: ID!) {
    node(id: $id) { id ... on Facility { name } }
  }
`;
const LOAD = /* GraphQL */ `
  query Load {
    facilities(first: 5) { edges { node { id name sources { id } } } }
  }
`;
const THREE_ROOTS = /* GraphQL */ `
  query ThreeRoots($id: ID!) {
    node(id: $id) { id ... on Facility { name } }
    facilities(first: 5) { edges { node { id name sources { id } } } }
    element(symbol: "Nd") { name }
  }
`;
/** The entity comes back from the write; its `sources` are read after it, in the same request. */
const RENAME_AND_READ = /* GraphQL */ `
  mutation Rename($input: FacilityInput!, $sources: [SourceInput!]!) {
    upsertFacility(input: $input, sources: $sources) { entity { id name sources { id } } }
  }
`;
/** Only what the write itself returns: no read after it. */
const RENAME = /* GraphQL */ `
  mutation Rename($input: FacilityInput!, $sources: [SourceInput!]!) {
    upsertFacility(input: $input, sources: $sources) { entity { id name } }
  }
`;

interface Renamed {
  upsertFacility: { entity: { id: string; name: string; sources?: { id: string }[] } };
}

function rename(instance: Instance, name: string, requestId: string, extra: Record<string, unknown> = {}, document = RENAME_AND_READ) {
  return post<Renamed>(instance, document, { input: { id: FACILITY, name, ...extra }, sources: SOURCES }, { 'x-api-key': WRITER_KEY, 'x-request-id': requestId });
}

function readName(instance: Instance, requestId: string, bookmarks?: string) {
  return post<{ node: { id: string; name: string } | null }>(instance, READ_NAME, { id: FACILITY }, {
    'x-request-id': requestId,
    ...(bookmarks ? { 'x-neo4j-bookmark': bookmarks } : {}),
  });
}

/** The transactions the stand-in recorded for one HTTP request (the server names it in tx metadata). */
const transactionsOf = (requestId: string): TransactionRecord[] => cluster.transactions.filter((t) => t.metadata.requestId === requestId);
/**
 * The same, once every one of them has ended: a request's read transaction commits after its answer is
 * sent (src/plugins/requestTransaction.ts), so it may still be open when the answer arrives.
 */
const endedTransactionsOf = (requestId: string): Promise<TransactionRecord[]> =>
  until(async () => transactionsOf(requestId).every((t) => t.outcome) && transactionsOf(requestId), `the transactions of ${requestId} ended`, 10_000);
const reads = (txs: TransactionRecord[]) => txs.filter((t) => t.access === 'READ');
const writes = (txs: TransactionRecord[]) => txs.filter((t) => t.access === 'WRITE');

it('sends every read transaction to a reader and every write transaction to the writer', async () => {
  const requestIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    requestIds.push(`${run}-route-read-${i}`);
    const answer = await post(instances[i % 2]!, LOAD, {}, { 'x-request-id': requestIds.at(-1)! });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  }
  requestIds.push(`${run}-route-write`);
  const written = await rename(instances[0]!, 'Cluster plant 1', requestIds.at(-1)!);
  expect(written.body.errors).toBeUndefined();

  const txs = (await Promise.all(requestIds.map(endedTransactionsOf))).flat();
  expect(writes(txs).length).toBeGreaterThanOrEqual(1);
  expect(reads(txs).length).toBeGreaterThanOrEqual(5);
  expect(writes(txs).map((t) => t.member)).toEqual(writes(txs).map(() => 'writer'));
  expect(new Set(reads(txs).map((t) => t.member))).toEqual(new Set(['reader-1', 'reader-2']));
  expect(txs.map((t) => t.outcome)).toEqual(txs.map(() => 'ok'));
  expect(cluster.router.transactions).toEqual([]);
  expect(cluster.routeRequests).toBeGreaterThanOrEqual(2); // each driver asked the router
});

it('runs the reads of one request after its first in one read transaction, which commits', async () => {
  // Three root fields: a statement each (src/compiler). The first runs alone; the other two share one.
  const requestId = `${run}-one-transaction`;
  const answer = await post(instances[0]!, THREE_ROOTS, { id: FACILITY }, { 'x-request-id': requestId });
  expect(answer.body.errors).toBeUndefined();
  const txs = (await endedTransactionsOf(requestId)).sort((a, b) => Number(b.autoCommit) - Number(a.autoCommit));
  expect(txs.map((t) => [t.access, t.autoCommit, t.statements, t.outcome])).toEqual([
    ['READ', true, 1, 'ok'],
    ['READ', false, 2, 'ok'],
  ]);
});

it('a batch of two operations shares their context: all six statements answer, in read transactions that commit', async () => {
  // Two operations in one HTTP request, three statements each. The batch's first statement runs alone,
  // the others join the request's read transaction, which the first operation to answer commits after
  // the statements already in it; a read that comes later begins another. None is lost or refused.
  const requestId = `${run}-batch`;
  const response = await fetch(`${instances[1]!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify([0, 1].map(() => ({ query: THREE_ROOTS, variables: { id: FACILITY } }))),
  });
  expect(response.status).toBe(200);
  const answers = (await response.json()) as GraphQLResponse<{ node: { id: string } | null; facilities: { edges: unknown[] }; element: { name: string } }>[];
  expect(answers).toHaveLength(2);
  for (const answer of answers) {
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.node?.id).toBe(FACILITY);
    expect(answer.data?.facilities.edges).toHaveLength(5);
    expect(answer.data?.element.name).toBe('Neodymium');
  }
  const txs = await endedTransactionsOf(requestId);
  expect(txs.map((t) => [t.access, t.outcome])).toEqual(txs.map(() => ['READ', 'ok']));
  expect(txs.reduce((sum, t) => sum + t.statements, 0)).toBe(6);
  expect(txs.filter((t) => t.autoCommit).map((t) => t.statements)).toEqual([1]);
  expect(txs.filter((t) => !t.autoCommit).length).toBeGreaterThanOrEqual(1);
});

it("a batch's read after another operation's answer begins a new read transaction", async () => {
  // The first operation answers after one statement; the second reads level by level (a traversal, then
  // the region of its paths' nodes and that region's parents: not folded), so its later reads come after
  // the first operation has answered and committed the request's read transaction: they must begin
  // another, not reuse it.
  const requestId = `${run}-batch-after`;
  const levels = /* GraphQL */ `{ dependents(of: "dep-lovozero", maxHops: 2) { path { nodes { id ... on Facility { region { name parent { name parent { name } } } } } } } }`;
  const response = await fetch(`${instances[0]!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify([{ query: READ_NAME, variables: { id: FACILITY } }, { query: levels }]),
  });
  expect(response.status).toBe(200);
  type Node = { region?: { parent: { parent: unknown } | null } };
  const [first, second] = (await response.json()) as [GraphQLResponse<{ node: { id: string } }>, GraphQLResponse<{ dependents: { path: { nodes: Node[] } }[] }>];
  expect(first.errors).toBeUndefined();
  expect(first.data?.node.id).toBe(FACILITY);
  expect(second.errors).toBeUndefined();
  expect(second.data?.dependents.some((d) => d.path.nodes.some((n) => n.region?.parent?.parent))).toBe(true);

  const txs = await endedTransactionsOf(requestId);
  expect(txs.map((t) => [t.access, t.outcome])).toEqual(txs.map(() => ['READ', 'ok']));
  expect(txs.reduce((sum, t) => sum + t.statements, 0)).toBe(5);
  expect(txs.filter((t) => t.autoCommit).map((t) => t.statements)).toEqual([1]);
  // Every read after the first would join one transaction but for the first answer's commit.
  expect(txs.filter((t) => !t.autoCommit).length).toBeGreaterThanOrEqual(2);
});

describe('with lagging readers', () => {
  it("holds a mutation's own read until the reader has applied the write", async () => {
    // The read arrives well within the lag (milliseconds after the commit), even on a loaded machine.
    for (const reader of cluster.readers) reader.lag(LAG_MS);
    const requestId = `${run}-lag-own`;
    const answer = await rename(instances[0]!, 'Cluster plant 2a', requestId);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.upsertFacility.entity).toEqual({ id: FACILITY, name: 'Cluster plant 2a', sources: SOURCES });

    const txs = await endedTransactionsOf(requestId);
    const [write, ...moreWrites] = writes(txs);
    expect(moreWrites).toEqual([]);
    expect(write).toMatchObject({ member: 'writer', outcome: 'ok', bookmark: expect.any(String) });
    const after = reads(txs).filter((t) => t.arrivedAt >= write!.endedAt!);
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const read of after) {
      expect(read).toMatchObject({ member: expect.stringMatching(/^reader-/), held: true, staleRead: false, outcome: 'ok' });
      expect(read.bookmarks).toContain(write!.bookmark);
      // Held until the lag had passed since the writer returned the bookmark (a timer may fire 1 ms early).
      expect(read.forwardedAt! - write!.endedAt!).toBeGreaterThanOrEqual(LAG_MS - 1);
    }
    expect(answer.bookmarkHeader?.split(',')).toEqual(answer.body.extensions?.bookmarks);
  });

  it('another instance given the bookmark waits for the write; without it the read is stale', async () => {
    // The readers apply nothing until caught up below: what is held and what is stale does not depend on timing.
    for (const reader of cluster.readers) reader.lag(Infinity);
    const written = await rename(instances[0]!, 'Cluster plant 2b', `${run}-lag-write`, {}, RENAME);
    expect(written.body.errors).toBeUndefined();
    const [write] = writes(transactionsOf(`${run}-lag-write`));
    expect(reads(transactionsOf(`${run}-lag-write`))).toEqual([]);
    expect(written.bookmarkHeader).toBeTruthy();

    // The same client, on the other instance, first without the bookmark: a real replica would answer stale.
    const blind = await readName(instances[1]!, `${run}-lag-blind`);
    expect(blind.body.errors).toBeUndefined();
    const blindReads = reads(transactionsOf(`${run}-lag-blind`));
    expect(blindReads.length).toBeGreaterThanOrEqual(1);
    for (const read of blindReads) expect(read).toMatchObject({ held: false, staleRead: true, missed: [write!.bookmark] });

    // With the bookmark sent back: held until the write is applied, never stale.
    const pending = readName(instances[1]!, `${run}-lag-causal`, written.bookmarkHeader!);
    await until(async () => reads(transactionsOf(`${run}-lag-causal`)).find((t) => t.held), 'the read with the bookmark held', 15_000);
    const caughtUpAt = Date.now();
    for (const reader of cluster.readers) reader.catchUp();
    const causal = await pending;
    expect(causal.body.errors).toBeUndefined();
    expect(causal.body.data?.node).toEqual({ id: FACILITY, name: 'Cluster plant 2b' });
    const causalReads = reads(await endedTransactionsOf(`${run}-lag-causal`));
    expect(causalReads.length).toBeGreaterThanOrEqual(1);
    for (const read of causalReads) {
      expect(read).toMatchObject({ member: expect.stringMatching(/^reader-/), held: true, staleRead: false, outcome: 'ok' });
      expect(read.bookmarks).toContain(write!.bookmark);
      expect(read.forwardedAt).toBeGreaterThanOrEqual(caughtUpAt);
    }
  });
});

it('loses no request when a reader dies under load; reads go on at the other reader', async () => {
  const [dying, surviving] = cluster.readers;
  const load = `${run}-load`;
  const failures: unknown[] = [];
  let requests = 0;
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const answer = await post(instances[(n + i) % 2]!, LOAD, {}, { 'x-request-id': `${load}-${n}-${i}` });
        requests++;
        if (answer.status !== 200 || answer.body.errors) failures.push({ status: answer.status, errors: answer.body.errors });
      } catch (error) {
        failures.push(error);
      }
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  const isLoad = (t: TransactionRecord) => String(t.metadata.requestId).startsWith(load);
  let cut: TransactionRecord | undefined;
  let killedAt = 0;
  try {
    // Killed while it carries a read of the load (nothing runs between finding it and the kill).
    cut = await until(async () => dying.transactions.find((t) => isLoad(t) && !t.outcome), 'a read in flight on reader-1', 20_000);
    await dying.kill();
    killedAt = Date.now();
    await until(async () => surviving.transactions.filter((t) => isLoad(t) && t.arrivedAt > killedAt).length >= 40, '40 reads at reader-2 after the kill', 30_000);
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThanOrEqual(40);
  expect(cut?.outcome).toBe('cut');
  expect(dying.transactions.filter((t) => t.arrivedAt > killedAt)).toEqual([]);
});

it('a leader switch: the write refused with NotALeader is retried after a routing refresh, and succeeds', async () => {
  const routeRequests = cluster.routeRequests;
  cluster.writer.failNextWrites(1);
  const requestId = `${run}-leader`;
  const answer = await rename(instances[0]!, 'Cluster plant 4', requestId);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data?.upsertFacility.entity.name).toBe('Cluster plant 4');
  expect(writes(transactionsOf(requestId)).map((t) => [t.member, t.outcome, t.failure])).toEqual([
    ['writer', 'failed', NOT_A_LEADER],
    ['writer', 'ok', undefined],
  ]);
  expect(cluster.routeRequests).toBeGreaterThan(routeRequests);
  const check = await readName(instances[1]!, `${run}-leader-check`, answer.bookmarkHeader!);
  expect(check.body.data?.node?.name).toBe('Cluster plant 4');
});
