import { randomBytes } from 'node:crypto';
import type { Caller } from '../../src/auth';
import { sha256Hex } from '../../src/auth';
import { database, execute, setupInProcessApp, startTestServer, testContext, type RunningServer } from '../support/testServer';
import { raceOnHeldLock } from '../support/locks';
import { removeTestData } from '../support/cleanup';

/**
 * Mutations against the real database: authorization, upserts that a retry cannot duplicate, precise
 * validation errors that leave the graph unchanged, one transaction per mutation, and the audit trail.
 * Every entity here gets a fresh id prefix and is removed afterwards; seed entities are only linked to.
 */
const run = randomBytes(4).toString('hex');
const id = (name: string) => `test-${run}-${name}`;
const CURATOR: Caller = { name: 'curator-alice', role: 'writer' };
const SOURCE = [{ id: 'seed-topcor-magnets' }];

const handle = setupInProcessApp();
const asCurator = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) =>
  execute<T>(handle.app, testContext(handle.driver, { requestId: `curation-${run}`, caller: CURATOR }), query, variables);
/** As asCurator, under a request id of its own: the racing writers of one test, found in `SHOW TRANSACTIONS`. */
const asRacer = <T = Record<string, unknown>>(requestId: string, query: string, variables: Record<string, unknown> = {}) =>
  execute<T>(handle.app, testContext(handle.driver, { requestId, caller: CURATOR }), query, variables);

async function count(cypher: string, params: Record<string, unknown> = {}): Promise<number> {
  const { records } = await handle.driver.executeQuery(`${cypher} RETURN count(*) AS n`, params, { database });
  return Number(records[0]?.get('n'));
}

afterAll(async () => {
  // Its own driver: the app's is closed by setupInProcessApp's afterAll, which runs first. The audit
  // entries go too: every one of this suite names an id with the prefix.
  await removeTestData({ prefix: `test-${run}` });
});

const UPSERT_FACILITY = `
mutation Upsert($input: FacilityInput!, $sources: [SourceInput!]!) {
  upsertFacility(input: $input, sources: $sources) {
    created
    entity { id name sources { id } ... on Facility { status startYear capacity { value unit } } }
    change { action actor target before after sources { id } }
  }
}`;

const facility = (name: string, extra: Record<string, unknown> = {}) => ({
  id: id(name),
  name: `Test plant ${name}`,
  kind: 'magnet plant',
  status: 'PLANNED',
  startYear: 2028,
  ...extra,
});

interface UpsertResult {
  upsertFacility: {
    created: boolean;
    entity: { id: string; name: string; sources: { id: string }[]; status: string; startYear: number | null; capacity: { value: number; unit: string } | null };
    change: { action: string; actor: string; target: string; before: string | null; after: string | null; sources: { id: string }[] } | null;
  };
}

describe('authorization of writes (over HTTP)', () => {
  const READER_KEY = `reader-${run}`;
  const WRITER_KEY = `writer-${run}`;
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: `analyst:reader:${sha256Hex(READER_KEY)},curator:writer:${sha256Hex(WRITER_KEY)}` });
  });
  afterAll(() => server.close());

  const post = (headers: Record<string, string>, name: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: UPSERT_FACILITY, variables: { input: facility(name), sources: SOURCE } }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: UpsertResult | null; errors?: { extensions?: { code?: string } }[] } }));

  it('refuses an anonymous mutation with UNAUTHENTICATED and writes nothing', async () => {
    const { body } = await post({}, 'anon');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('anon') })).toBe(0);
  });

  it('refuses a reader with FORBIDDEN and lets a writer write, naming the key in the audit', async () => {
    const reader = await post({ 'x-api-key': READER_KEY }, 'by-reader');
    expect(reader.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('by-reader') })).toBe(0);

    const writer = await post({ 'x-api-key': WRITER_KEY }, 'by-writer');
    expect(writer.body.errors).toBeUndefined();
    expect(writer.body.data?.upsertFacility.change?.actor).toBe('curator');
    expect(await count('MATCH (n:Entity:Facility {id: $id})', { id: id('by-writer') })).toBe(1);
  });
});

describe('upserts', () => {
  it('creates once: the same upsert retried three times leaves one node and one audit entry', async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await asCurator<UpsertResult>(UPSERT_FACILITY, { input: facility('retry'), sources: SOURCE }));
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    expect(results.map((r) => r.data?.upsertFacility.created)).toEqual([true, false, false]);
    expect(results.map((r) => r.data?.upsertFacility.change?.action ?? null)).toEqual(['CREATE', null, null]);
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('retry') })).toBe(1);
    expect(await count('MATCH (c:Change {target: $id})', { id: id('retry') })).toBe(1);
  });

  it('updates only the fields given, records before and after, and adds the new source', async () => {
    await asCurator(UPSERT_FACILITY, { input: facility('slip', { capacity: { value: 1000, unit: 't/yr' } }), sources: SOURCE });
    const slipped = await asCurator<UpsertResult>(UPSERT_FACILITY, {
      input: { id: id('slip'), startYear: 2029 },
      sources: [{ id: id('src-slip'), title: 'Start slips to 2029', publisher: 'example.org', date: '2026-11-23', url: 'https://example.org/slip' }],
    });
    expect(slipped.errors).toBeUndefined();
    const payload = slipped.data!.upsertFacility;
    expect(payload.created).toBe(false);
    expect(payload.entity).toMatchObject({ name: 'Test plant slip', status: 'PLANNED', startYear: 2029, capacity: { value: 1000, unit: 't/yr' } });
    expect(payload.entity.sources.map((s) => s.id).sort()).toEqual([id('src-slip'), 'seed-topcor-magnets'].sort());
    expect(payload.change).toMatchObject({ action: 'UPDATE', actor: 'curator-alice', target: id('slip'), sources: [{ id: id('src-slip') }] });
    expect(JSON.parse(payload.change!.before!)).toMatchObject({ startYear: 2028 });
    expect(JSON.parse(payload.change!.after!)).toMatchObject({ startYear: 2029 });
  });

  it('refuses to change the kind of an existing entity', async () => {
    const result = await asCurator(`mutation { upsertDeposit(input: {id: "fac-lovozero-gok", name: "x", commodity: "x", status: PLANNED}, sources: [{id: "seed-topcor-magnets"}]) { created } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
    expect(result.errors?.[0]?.message).toContain('is a Facility, not a Deposit');
  });
});

describe('validation: precise errors and no change', () => {
  it('refuses a write without a source', async () => {
    const result = await asCurator(UPSERT_FACILITY, { input: facility('nosource'), sources: [] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sources' });
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('nosource') })).toBe(0);
  });

  it('refuses a citation of a source that does not exist', async () => {
    const result = await asCurator(UPSERT_FACILITY, { input: facility('badsource'), sources: [{ id: id('no-such-source') }] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sources.0.id' });
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('badsource') })).toBe(0);
  });

  it('refuses a bad year, naming the field, and leaves the stored entity as it was', async () => {
    await asCurator(UPSERT_FACILITY, { input: facility('year'), sources: SOURCE });
    const before = await handle.driver.executeQuery('MATCH (n {id: $id}) RETURN properties(n) AS p', { id: id('year') }, { database });
    const result = await asCurator(UPSERT_FACILITY, { input: { id: id('year'), startYear: 3030, endYear: 1700 }, sources: SOURCE });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (result.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['input.endYear', 'input.startYear']);
    const after = await handle.driver.executeQuery('MATCH (n {id: $id}) RETURN properties(n) AS p', { id: id('year') }, { database });
    expect(after.records[0]?.get('p')).toEqual(before.records[0]?.get('p'));
  });

  it('refuses a missing required field on create', async () => {
    const result = await asCurator(UPSERT_FACILITY, { input: { id: id('incomplete'), name: 'No kind, no status' }, sources: SOURCE });
    const fields = (result.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['input.kind', 'input.status']);
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('incomplete') })).toBe(0);
  });

  it('is one transaction: a new source is not kept when the write it belongs to fails', async () => {
    const result = await asCurator(UPSERT_FACILITY, {
      input: facility('atomic'),
      sources: [{ id: id('src-atomic'), title: 'A new source' }, { id: id('missing') }],
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sources.1.id' });
    expect(await count('MATCH (n) WHERE n.id IN $ids', { ids: [id('atomic'), id('src-atomic')] })).toBe(0);
  });
});

const CONNECT = `
mutation Connect($input: LinkInput!, $sources: [SourceInput!]!) {
  connect(input: $input, sources: $sources) {
    created
    relationship { key type from { id } to { id } properties { key value } sources { id } }
    change { action target }
  }
}`;

describe('relationships', () => {
  // Each test makes the entities it links (ids of its own), so it passes alone (`jest -t`) and in any order.
  async function facilities(...names: string[]): Promise<void> {
    for (const name of names) {
      const made = await asCurator<UpsertResult>(UPSERT_FACILITY, { input: facility(name), sources: SOURCE });
      expect(made.errors).toBeUndefined();
    }
  }
  const connected = async (input: Record<string, unknown>) => {
    const made = await asCurator(CONNECT, { input, sources: SOURCE });
    expect(made.errors).toBeUndefined();
  };

  it('connects an off-take once, updates it on a second connect, and refuses dangling ids, wrong kinds and self-loops', async () => {
    await facilities('up', 'down');
    const input = { type: 'FEEDS', from: id('up'), to: id('down'), material: 'NdPr oxide', product: 'prod-ndpr-oxide', status: 'PLANNED', startYear: 2028 };
    const first = await asCurator<{ connect: { created: boolean; relationship: { key: string; properties: { key: string; value: string }[] } } }>(CONNECT, { input, sources: SOURCE });
    expect(first.errors).toBeUndefined();
    expect(first.data?.connect.created).toBe(true);
    expect(first.data?.connect.relationship.key).toBe(`FEEDS:${id('up')}->${id('down')}`);
    expect(first.data?.connect.relationship.properties).toEqual(
      expect.arrayContaining([{ key: 'material', value: 'NdPr oxide' }, { key: 'status', value: 'planned' }, { key: 'startYear', value: '2028' }]),
    );
    const again = await asCurator<{ connect: { created: boolean; change: { action: string } | null } }>(CONNECT, { input: { ...input, startYear: 2029 }, sources: SOURCE });
    expect(again.data?.connect).toMatchObject({ created: false, change: { action: 'RECONNECT' } });
    expect(await count('MATCH (:Entity {id: $a})-[r:FEEDS]->(:Entity {id: $b})', { a: id('up'), b: id('down') })).toBe(1);

    const dangling = await asCurator(CONNECT, { input: { ...input, to: id('nowhere') }, sources: SOURCE });
    expect(dangling.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.to' });
    const wrongKind = await asCurator(CONNECT, { input: { type: 'CONTAINS', from: id('up'), to: 'el-nd' }, sources: SOURCE });
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.type' });
    const loop = await asCurator(CONNECT, { input: { ...input, to: id('up') }, sources: SOURCE });
    expect(loop.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.to' });
  });

  it('applies the material rules: a flow between facilities names a Product, AT_STAGE names commodities, a bill of materials names inputs', async () => {
    await facilities('mat-up', 'mat-down');
    const flow = { type: 'FEEDS', from: id('mat-up'), to: id('mat-down') };
    const refused = async (input: Record<string, unknown>, field: string, message: RegExp) => {
      const result = await asCurator(CONNECT, { input, sources: SOURCE });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toMatch(message);
    };
    await refused(flow, 'input.product', /rule flow-product/);
    await refused({ ...flow, product: 'el-nd' }, 'input.product', /"el-nd" is not a Product \(it is of kind Element\)/);
    await refused({ ...flow, product: 'prod-nowhere' }, 'input.product', /no product has the id "prod-nowhere"/);
    await refused({ type: 'AT_STAGE', from: id('mat-up'), to: 'stage-separation' }, 'input.commodities', /rule stage-commodity/);
    await refused({ type: 'AT_STAGE', from: id('mat-up'), to: 'stage-separation', commodities: ['unobtanium'] }, 'input.commodities.0', /.+/);
    await connected({ ...flow, product: 'prod-ndpr-oxide' });
    await refused({ type: 'PRODUCES', from: id('mat-down'), to: 'prod-ndpr-metal', requires: ['prod-carnallite'] }, 'input.requires', /rule bill-of-materials/);
    await connected({ type: 'PRODUCES', from: id('mat-down'), to: 'prod-ndpr-metal', requires: ['prod-ndpr-oxide'] });
    await connected({ type: 'AT_STAGE', from: id('mat-down'), to: 'stage-metal-alloy', commodities: ['rare earths'] });
    expect(await count('MATCH (:Entity {id: $a})-[r:PRODUCES {requires: ["prod-ndpr-oxide"]}]->(:Product)', { a: id('mat-down') })).toBe(1);
  });

  it('clears the request loaders after a write, so later fields read the committed state', async () => {
    await facilities('loaded');
    const result = await asCurator<{ first: { entity: { operators: { id: string }[] } }; second: { relationship: { to: { operators: { id: string }[] } } } }>(`
      mutation {
        first: upsertFacility(input: {id: "${id('loaded')}"}, sources: [{id: "seed-topcor-magnets"}]) { entity { ... on Facility { operators { id } } } }
        second: connect(input: {type: OPERATES, from: "co-rosatom", to: "${id('loaded')}"}, sources: [{id: "seed-topcor-magnets"}]) {
          relationship { to { ... on Facility { operators { id } } } }
        }
      }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.first.entity.operators).toEqual([]);
    expect(result.data?.second.relationship.to.operators).toEqual([{ id: 'co-rosatom' }]);
  });

  it('refuses to delete an entity with relationships unless cascade says so, then deletes it with them', async () => {
    await facilities('del-up', 'del-down');
    await connected({ type: 'FEEDS', from: id('del-up'), to: id('del-down'), product: 'prod-ndpr-oxide' });
    await connected({ type: 'OPERATES', from: 'co-rosatom', to: id('del-down') });
    const DELETE = `mutation($cascade: Boolean) { deleteEntity(id: "${id('del-down')}", cascade: $cascade, sources: [{id: "seed-topcor-magnets"}]) { deleted removedRelationships change { action before } } }`;
    const refused = await asCurator(DELETE, { cascade: false });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cascade' });
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('del-down') })).toBe(1);

    const done = await asCurator<{ deleteEntity: { deleted: boolean; removedRelationships: string[]; change: { action: string } } }>(DELETE, { cascade: true });
    expect(done.data?.deleteEntity).toMatchObject({ deleted: true, change: { action: 'DELETE' } });
    expect([...(done.data?.deleteEntity.removedRelationships ?? [])].sort()).toEqual([`FEEDS:${id('del-up')}->${id('del-down')}`, `OPERATES:co-rosatom->${id('del-down')}`]);
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('del-down') })).toBe(0);
    expect(await count('MATCH (:Entity {id: "co-rosatom"})-[:OPERATES]->(:Entity {id: $id})', { id: id('del-down') })).toBe(0);

    const twice = await asCurator<{ deleteEntity: { deleted: boolean; change: null } }>(DELETE, { cascade: true });
    expect(twice.data?.deleteEntity).toMatchObject({ deleted: false, change: null });
  });

  it('disconnects', async () => {
    await facilities('disc-up', 'disc-down');
    await connected({ type: 'SUPPLIES', from: id('disc-up'), to: id('disc-down'), product: 'prod-ndpr-oxide' });
    expect(await count('MATCH (:Entity {id: $a})-[:SUPPLIES]->(:Entity {id: $b})', { a: id('disc-up'), b: id('disc-down') })).toBe(1);
    const DISCONNECT = `mutation { disconnect(type: SUPPLIES, from: "${id('disc-up')}", to: "${id('disc-down')}", sources: [{id: "seed-topcor-magnets"}]) { key removed change { action } } }`;
    const first = await asCurator<{ disconnect: { removed: boolean; change: { action: string } | null } }>(DISCONNECT);
    expect(first.data?.disconnect).toMatchObject({ removed: true, change: { action: 'DISCONNECT' } });
    const second = await asCurator<{ disconnect: { removed: boolean } }>(DISCONNECT);
    expect(second.data?.disconnect.removed).toBe(false);
    expect(await count('MATCH (:Entity {id: $a})-[:SUPPLIES]->(:Entity {id: $b})', { a: id('disc-up'), b: id('disc-down') })).toBe(0);
  });
});

describe('national figures', () => {
  const UPSERT_FIGURE = `mutation($input: FigureInput!, $sources: [SourceInput!]!) {
    upsertFigure(input: $input, sources: $sources) {
      created figure { id metric value unit year basis sources { id } } region { id figures { id } } change { action before after }
    }
  }`;
  interface FigureResult {
    upsertFigure: {
      created: boolean;
      figure: { id: string; metric: string; value: number; unit: string; year: number | null; basis: string | null; sources: { id: string }[] };
      region: { id: string; figures: { id: string }[] };
      change: { action: string; before: string | null; after: string | null } | null;
    };
  }
  const figure = { id: id('fig-reserves'), region: 'country-usa', metric: 'rare-earth reserves', value: 1_900_000, unit: 't REO', year: 2024 };

  it('records a figure for a region, updates it, moves it, and deletes it, each with an audit entry', async () => {
    const created = await asCurator<FigureResult>(UPSERT_FIGURE, { input: figure, sources: SOURCE });
    expect(created.errors).toBeUndefined();
    expect(created.data?.upsertFigure).toMatchObject({ created: true, figure: { value: 1_900_000, year: 2024, sources: [{ id: 'seed-topcor-magnets' }] }, change: { action: 'CREATE', before: null } });
    expect(created.data?.upsertFigure.region.figures.map((f) => f.id)).toContain(figure.id);
    const retried = await asCurator<FigureResult>(UPSERT_FIGURE, { input: figure, sources: SOURCE });
    expect(retried.data?.upsertFigure).toMatchObject({ created: false, change: null });

    const corrected = await asCurator<FigureResult>(UPSERT_FIGURE, { input: { id: figure.id, value: 2_000_000, basis: 'USGS MCS 2026' }, sources: SOURCE });
    expect(corrected.data?.upsertFigure).toMatchObject({ created: false, figure: { value: 2_000_000, unit: 't REO', basis: 'USGS MCS 2026' }, region: { id: 'country-usa' } });
    expect(JSON.parse(corrected.data!.upsertFigure.change!.before!)).toMatchObject({ value: 1_900_000, regions: ['country-usa'] });

    const moved = await asCurator<FigureResult>(UPSERT_FIGURE, { input: { id: figure.id, region: 'country-china' }, sources: SOURCE });
    expect(moved.data?.upsertFigure.region.figures.map((f) => f.id)).toContain(figure.id);
    expect(await count('MATCH (r:Region)-[:HAS_FIGURE]->(:Figure {id: $id})', { id: figure.id })).toBe(1);
    expect(await count('MATCH (:Region {id: "country-china"})-[l:HAS_FIGURE {key: $key}]->(:Figure {id: $id})', { id: figure.id, key: `HAS_FIGURE:country-china->${figure.id}` })).toBe(1);

    const DELETE = `mutation { deleteFigure(id: "${figure.id}", sources: [{id: "seed-topcor-magnets"}]) { deleted removedRelationships } }`;
    const deleted = await asCurator<{ deleteFigure: { deleted: boolean; removedRelationships: string[] } }>(DELETE);
    expect(deleted.data?.deleteFigure).toEqual({ deleted: true, removedRelationships: [`HAS_FIGURE:country-china->${figure.id}`] });
    expect(await count('MATCH (f:Figure {id: $id})', { id: figure.id })).toBe(0);
    expect((await asCurator<{ deleteFigure: { deleted: boolean } }>(DELETE)).data?.deleteFigure.deleted).toBe(false);

    const trail = await asCurator<{ changes: { action: string }[] }>(`query($e: ID) { changes(entity: $e) { action } }`, { e: figure.id });
    expect(trail.data?.changes.map((c) => c.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'DELETE']);
  });

  it('refuses a new figure without a region, a region that is not one, a missing value and a bad year, writing nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...figure, region: undefined }, 'input.region'],
      [{ ...figure, region: 'dep-tastyg' }, 'input.region'],
      [{ ...figure, region: id('nowhere') }, 'input.region'],
      [{ ...figure, value: undefined }, 'input.value'],
      [{ ...figure, year: 1200 }, 'input.year'],
    ];
    for (const [input, field] of cases) {
      const result = await asCurator(UPSERT_FIGURE, { input, sources: SOURCE });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await count('MATCH (f:Figure {id: $id})', { id: figure.id })).toBe(0);
  });
});

describe('concurrent writes', () => {
  const CHANGES = `query($entity: ID) { changes(entity: $entity) { action target before after } }`;
  type Trail = { changes: { action: string; target: string; before: string | null; after: string | null }[] };
  /*
   * Each race is certain, not hoped for: the test holds the lock the writers need (raceOnHeldLock), starts
   * them, waits until SHOW TRANSACTIONS shows every one blocked on it, then rolls the holder back. Without
   * the writers' locks they would not block (waitUntilBlocked fails), or, for a new id, they would all
   * read the state the first one committed (the "before" chain breaks).
   */
  const LOCK_ENTITIES = 'MATCH (n:Entity) WHERE n.id IN $ids SET n._lock = true REMOVE n._lock';

  it('serialises racing upserts of a new id: one node, one CREATE, and each UPDATE starts from the state before it', async () => {
    const requestId = `race-upsert-${run}`;
    const tags = ['a', 'b', 'c', 'd', 'e'];
    // The holder creates the id (uncommitted): every writer's MERGE waits on the unique constraint's entry.
    const results = await raceOnHeldLock(
      handle.driver,
      { cypher: 'CREATE (:Entity {id: $id})', params: { id: id('raced') } },
      requestId,
      tags.map((tag) => () => asRacer<UpsertResult>(requestId, UPSERT_FACILITY, { input: facility('raced', { description: `version ${tag}` }), sources: SOURCE })),
    );
    expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
    expect(results.map((r) => r.data?.upsertFacility.created).filter(Boolean)).toEqual([true]);
    expect(results.map((r) => r.data?.upsertFacility.change?.action).sort()).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE']);
    expect(await count('MATCH (n:Entity {id: $id})', { id: id('raced') })).toBe(1);

    const trail = (await asCurator<Trail>(CHANGES, { entity: id('raced') })).data!.changes;
    expect(trail.map((c) => c.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE']);
    expect(trail[0]?.before).toBeNull();
    // A chain: every entry's "before" is the "after" of the entry before it (no two writers saw the same state).
    for (let i = 1; i < trail.length; i++) expect(trail[i]?.before).toBe(trail[i - 1]?.after);
    // Every writer's version was written once, and the stored one is the last in the chain.
    expect(trail.map((c) => JSON.parse(c.after!).description).sort()).toEqual(tags.map((tag) => `version ${tag}`));
    const stored = await handle.driver.executeQuery('MATCH (n:Entity {id: $id}) RETURN n.description AS d', { id: id('raced') }, { database });
    expect(stored.records[0]?.get('d')).toBe(JSON.parse(trail[trail.length - 1]!.after!).description);
  });

  it('serialises racing connects of a new link: one relationship, one CONNECT', async () => {
    for (const name of ['race-from', 'race-to']) expect((await asCurator(UPSERT_FACILITY, { input: facility(name), sources: SOURCE })).errors).toBeUndefined();
    const requestId = `race-connect-${run}`;
    const input = { type: 'FEEDS', from: id('race-from'), to: id('race-to'), material: 'NdPr oxide', product: 'prod-ndpr-oxide' };
    const results = await raceOnHeldLock(
      handle.driver,
      { cypher: LOCK_ENTITIES, params: { ids: [id('race-from'), id('race-to')] } },
      requestId,
      [2028, 2029, 2030, 2031].map((startYear) => () => asRacer<{ connect: { created: boolean } }>(requestId, CONNECT, { input: { ...input, startYear }, sources: SOURCE })),
    );
    expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
    expect(results.map((r) => r.data?.connect.created).sort()).toEqual([false, false, false, true]);
    expect(await count('MATCH (:Entity {id: $a})-[r:FEEDS]->(:Entity {id: $b})', { a: id('race-from'), b: id('race-to') })).toBe(1);
    const trail = (await asCurator<Trail>(CHANGES, { entity: id('race-from') })).data!.changes.filter((c) => c.target.startsWith('FEEDS:'));
    expect(trail.map((c) => c.action)).toEqual(['CONNECT', 'RECONNECT', 'RECONNECT', 'RECONNECT']);
    for (let i = 1; i < trail.length; i++) expect(trail[i]?.before).toBe(trail[i - 1]?.after);
  });

  it('answers an upsert racing a delete of the same entity with data or BAD_USER_INPUT, never an internal error', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `race-mixed-${round}`;
      expect((await asCurator(UPSERT_FACILITY, { input: facility(name), sources: SOURCE })).errors).toBeUndefined();
      const requestId = `race-mixed-${round}-${run}`;
      const DELETE = `mutation { deleteEntity(id: "${id(name)}", sources: [{id: "seed-topcor-magnets"}]) { deleted } }`;
      const [deleted, updated] = await raceOnHeldLock<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }>(
        handle.driver,
        { cypher: LOCK_ENTITIES, params: { ids: [id(name)] } },
        requestId,
        [() => asRacer(requestId, DELETE), () => asRacer<UpsertResult>(requestId, UPSERT_FACILITY, { input: { id: id(name), startYear: 2030 }, sources: SOURCE })],
      );
      expect(deleted?.errors).toBeUndefined();
      expect(deleted?.data).toEqual({ deleteEntity: { deleted: true } });
      const trail = (await asCurator<Trail>(CHANGES, { entity: id(name) })).data!.changes;
      if (updated?.errors === undefined) {
        // The update ran first; the delete then removed what it wrote.
        expect((updated?.data as UpsertResult).upsertFacility).toMatchObject({ created: false, entity: { id: id(name), startYear: 2030 }, change: { action: 'UPDATE' } });
        expect(trail.map((c) => c.action)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
        expect(JSON.parse(trail[2]!.before!)).toMatchObject({ startYear: 2030 });
      } else {
        // The delete ran first; the update found nothing, and a facility without a name cannot be created.
        expect(updated.data ?? null).toBeNull();
        expect(updated.errors).toHaveLength(1);
        expect(updated.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
        expect(trail.map((c) => c.action)).toEqual(['CREATE', 'DELETE']);
      }
      expect(await count('MATCH (n:Entity {id: $id})', { id: id(name) })).toBe(0);
    }
  });

  it('records one DELETE when two deletes race', async () => {
    expect((await asCurator(UPSERT_FACILITY, { input: facility('race-delete'), sources: SOURCE })).errors).toBeUndefined();
    const requestId = `race-delete-${run}`;
    const DELETE = `mutation { deleteEntity(id: "${id('race-delete')}", sources: [{id: "seed-topcor-magnets"}]) { deleted } }`;
    const results = await raceOnHeldLock(
      handle.driver,
      { cypher: LOCK_ENTITIES, params: { ids: [id('race-delete')] } },
      requestId,
      [0, 1].map(() => () => asRacer<{ deleteEntity: { deleted: boolean } }>(requestId, DELETE)),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(results.map((r) => r.data?.deleteEntity.deleted).sort()).toEqual([false, true]);
    const trail = (await asCurator<Trail>(CHANGES, { entity: id('race-delete') })).data!.changes;
    expect(trail.map((c) => c.action)).toEqual(['CREATE', 'DELETE']);
  });
});

describe('the audit trail', () => {
  it('lists each change of an entity, oldest first, from a given time', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    await asCurator(UPSERT_FACILITY, { input: facility('audited'), sources: SOURCE });
    await asCurator(UPSERT_FACILITY, { input: { id: id('audited'), status: 'UNDER_CONSTRUCTION' }, sources: SOURCE });
    await asCurator(`mutation { deleteEntity(id: "${id('audited')}", sources: [{id: "seed-topcor-magnets"}]) { deleted } }`);

    const CHANGES = `query($since: String, $entity: ID) { changes(since: $since, entity: $entity) { action actor target entityIds before after at sources { id } } }`;
    const trail = await asCurator<{ changes: { action: string; actor: string; before: string | null; after: string | null; at: string; sources: { id: string }[] }[] }>(CHANGES, {
      since: started,
      entity: id('audited'),
    });
    expect(trail.errors).toBeUndefined();
    const changes = trail.data!.changes;
    expect(changes.map((c) => c.action)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    expect(changes.every((c) => c.actor === 'curator-alice' && c.sources[0]?.id === 'seed-topcor-magnets')).toBe(true);
    expect(changes[0]?.before).toBeNull();
    expect(JSON.parse(changes[1]!.before!).status).toBe('planned');
    expect(JSON.parse(changes[1]!.after!).status).toBe('under-construction');
    expect(changes[2]?.after).toBeNull();
    expect(Date.parse(changes[0]!.at)).toBeGreaterThanOrEqual(Date.parse(started));

    const later = await asCurator<{ changes: unknown[] }>(CHANGES, { since: new Date(Date.now() + 60_000).toISOString(), entity: id('audited') });
    expect(later.data?.changes).toEqual([]);
    for (const since of ['yesterday', '2026-02-30', '2026-11-23T24:00Z']) {
      const bad = await asCurator(CHANGES, { since });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'since' });
    }
  });
});

describe('paging the audit trail', () => {
  it('pages with first and after, in order, without gaps or repeats, and refuses a foreign cursor', async () => {
    for (const startYear of [2028, 2029, 2030, 2031, 2032]) {
      await asCurator(UPSERT_FACILITY, { input: facility('paged', { startYear }), sources: SOURCE });
    }
    const PAGE = `query($e: ID, $after: String) { changes(entity: $e, first: 2, after: $after) { id action cursor } }`;
    type Page = { changes: { id: string; action: string; cursor: string }[] };
    const all = (await asCurator<Page>(`query($e: ID) { changes(entity: $e) { id } }`, { e: id('paged') })).data!.changes.map((c) => c.id);
    expect(all).toHaveLength(5);
    const paged: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = (await asCurator<Page>(PAGE, { e: id('paged'), after })).data!.changes;
      paged.push(...page.map((c) => c.id));
      if (page.length < 2) break;
      after = page[page.length - 1]!.cursor;
    }
    expect(paged).toEqual(all);

    const { data: list } = await asCurator<{ facilities: { edges: { cursor: string }[] } }>(`{ facilities(first: 1) { edges { cursor } } }`);
    const foreign = await asCurator(PAGE, { e: id('paged'), after: list!.facilities.edges[0]!.cursor });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const forged = Buffer.from(JSON.stringify(['changes:at', '2026-02-30T00:00:00Z', 'x']), 'utf8').toString('base64url');
    for (const after of ['not a cursor', forged]) {
      const bad = await asCurator(PAGE, { e: id('paged'), after });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
  });
});

describe('importRecords', () => {
  const IMPORT = `mutation($records: ImportRecordsInput!, $dryRun: Boolean) {
    importRecords(records: $records, dryRun: $dryRun) { applied valid problems { file line field reason } change { action entityIds } }
  }`;
  const records = (name: string, extra: Record<string, unknown> = {}) => ({
    nodes: [
      { label: 'Facility', records: [{ id: id(`${name}-a`), name: 'Imported A', kind: 'separation plant', status: 'planned', sources: ['tass-ru-25560623'], ...extra }] },
      { label: 'Company', records: [{ id: id(`${name}-co`), name: 'Imported Co', kind: 'company', sources: ['tass-ru-25560623'] }] },
    ],
    relationships: [{ type: 'OPERATES', records: [{ from: id(`${name}-co`), to: id(`${name}-a`), sources: ['tass-ru-25560623'] }] }],
  });
  interface ImportResult {
    importRecords: { applied: boolean; valid: number; problems: { file: string; line: number; field: string | null; reason: string }[]; change: { action: string; entityIds: string[] } | null };
  }

  it('reports every bad record with its place and field, and writes nothing', async () => {
    const bad = {
      nodes: [
        {
          label: 'Facility',
          records: [
            { id: id('bad-1'), name: 'Bad year', kind: 'plant', status: 'planned', startYear: 3000, sources: ['tass-ru-25560623'] },
            { id: id('bad-2'), kind: 'plant', status: 'planned', sources: ['tass-ru-25560623'] },
          ],
        },
      ],
      relationships: [{ type: 'FEEDS', records: [{ from: 'dep-tastyg', to: id('nowhere'), sources: ['tass-ru-25560623'] }] }],
    };
    for (const dryRun of [true, false]) {
      const result = await asCurator<ImportResult>(IMPORT, { records: bad, dryRun });
      expect(result.errors).toBeUndefined();
      expect(result.data?.importRecords.applied).toBe(false);
      const problems = result.data!.importRecords.problems.map((p) => `${p.file}:${p.line}:${p.field}`).sort();
      expect(problems).toEqual(['nodes[0]:1:startYear', 'nodes[0]:2:name', 'relationships[0]:1:to']);
    }
    expect(await count('MATCH (n:Entity) WHERE n.id STARTS WITH $p', { p: id('bad-') })).toBe(0);
  });

  it('writes valid records in one transaction with one audit entry; a dry run writes nothing; a rerun leaves the same graph', async () => {
    const dry = await asCurator<ImportResult>(IMPORT, { records: records('imp'), dryRun: true });
    expect(dry.data?.importRecords).toMatchObject({ applied: false, valid: 3, problems: [] });
    expect(await count('MATCH (n:Entity) WHERE n.id STARTS WITH $p', { p: id('imp-') })).toBe(0);

    for (let i = 0; i < 2; i++) {
      const result = await asCurator<ImportResult>(IMPORT, { records: records('imp') });
      expect(result.data?.importRecords).toMatchObject({ applied: true, valid: 3, problems: [], change: { action: 'IMPORT' } });
      expect([...result.data!.importRecords.change!.entityIds].sort()).toEqual([id('imp-a'), id('imp-co')]);
    }
    expect(await count('MATCH (:Entity {id: $co})-[:OPERATES]->(:Entity:Facility {id: $a})', { co: id('imp-co'), a: id('imp-a') })).toBe(1);
    const trail = await asCurator<{ changes: { action: string }[] }>(`{ changes(entity: "${id('imp-a')}") { action } }`);
    expect(trail.data?.changes.map((c) => c.action)).toEqual(['IMPORT', 'IMPORT']);
  });

  it('refuses more records than the configured limit', async () => {
    const ctx = { ...testContext(handle.driver, { requestId: 'limit', caller: CURATOR }), maxImportRecords: 2 };
    const result = await execute(handle.app, ctx, IMPORT, { records: records('limit') });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'records' });
    expect(await count('MATCH (n:Entity) WHERE n.id STARTS WITH $p', { p: id('limit-') })).toBe(0);
  });
});
