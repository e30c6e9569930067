import { print } from 'graphql';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveChangesDocument, type LiveChangesSubscription } from '../../client/generated/graphql';
import { examplesClient, summariseExamples, type ExamplesClient } from '../../client/runExamples';
import { sha256Hex } from '../../src/auth';
import { loadExamples } from '../../src/examples';
import { removeTestData } from '../support/cleanup';
import { startTestServer, type RunningServer } from '../support/testServer';

/**
 * Every example query through the typed client (graphql-request + generated documents), over HTTP, and
 * the example subscription over graphql-ws, as the explorer runs it.
 */
const PREFIX = 'fac-examplelive-';
const ACTOR = 'example-live-test';
const WRITER_KEY = 'writer-key-for-the-example-subscription';
const queries = loadExamples().filter((e) => e.operationType === 'query');

let server: RunningServer;
let client: ExamplesClient;
beforeAll(async () => {
  server = await startTestServer({ API_KEYS: `${ACTOR}:writer:${sha256Hex(WRITER_KEY)}` });
  client = examplesClient(`${server.url}/graphql`);
});
afterAll(async () => {
  await server.close();
  await removeTestData({ prefix: PREFIX, actors: [ACTOR] });
});

describe('the typed client', () => {
  it('has a typed function for every example query in examples/ (the one subscription runs over WebSocket)', () => {
    expect(Object.keys(client).sort()).toEqual(queries.map((e) => e.operationName).sort());
    expect(loadExamples().filter((e) => e.operationType !== 'query').map((e) => [e.operationName, e.operationType])).toEqual([['LiveChanges', 'subscription']]);
  });

  it('finds the lithium hydroxide plant among the facilities that depend on Tastyg', async () => {
    const { dependents } = await client.FacilitiesDependingOnDeposit();
    expect(dependents.map((d) => [d.entity.id, d.hops])).toEqual([
      ['fac-tastyg-mine', 1],
      ['fac-areal-tastyg-lithium-salts', 2],
      ['fac-elbrus-lioh', 2],
    ]);
    const lioh = dependents[2]!.entity;
    expect(lioh).toMatchObject({ startYear: 2030, status: 'PLANNED', operator: { name: 'AO Elbrusmetall' } });
    // Nothing of it operates yet: as of 2028 no facility depends on Tastyg.
    expect((await client.FacilitiesDependingOnDeposit({ asOf: 2028 })).dependents).toEqual([]);
  });

  it('traces Lovozero ore to a sintered NdFeB magnet through Solikamsk and Glazov, every link sourced', async () => {
    const { paths } = await client.SupplyPath();
    expect(paths).toHaveLength(1);
    expect(paths[0]!.nodes.map((n) => n.id)).toEqual(['dep-lovozero', 'fac-lovozero-gok', 'fac-smz', 'fac-smz-separation', 'fac-glazov-magnet', 'prod-ndfeb-magnet']);
    expect(paths[0]!.links.map((l) => l.material)).toEqual(['loparite ore', 'loparite concentrate', 'mixed RE carbonate / group concentrate', 'Nd and Pr', 'Sintered NdFeB permanent magnet']);
    expect(paths[0]!.links.map((l) => l.product?.id ?? null)).toEqual([null, 'prod-loparite-conc', 'prod-mixed-re-carbonate', 'prod-ndpr-metal', 'prod-ndfeb-magnet']);
    for (const link of paths[0]!.links) expect(link.sources.length).toBeGreaterThan(0);
  });

  it('says what stops with the Lovozero plant, material by material', async () => {
    const { impact } = await client.ImpactOfStoppage();
    const byId = new Map(impact.affected.map((a) => [a.entity.id, a]));
    expect(byId.get('fac-glazov-magnet')?.lostOutputs.map((p) => p.id)).toEqual(['prod-ndfeb-magnet']);
    expect(byId.get('fac-glazov-magnet')?.alternatives.map((a) => a.id)).toEqual(['fac-mp-independence']);
    expect(byId.get('fac-smz')).toMatchObject({ fullyExposed: false, lostInputs: [{ id: 'prod-loparite-conc' }] });
    expect(byId.has('prod-mixed-re-carbonate')).toBe(false); // Lynas and CNRE make it too
    expect(impact.byCountry.map((c) => c.key)).toEqual(['Russia']);
  });

  it('lists the plants depending on dysprosium, with the product on every link', async () => {
    const { dependents } = await client.PlantsDependingOnElement();
    expect(dependents.map((d) => d.entity.id)).toEqual(expect.arrayContaining(['fac-glazov-magnet', 'fac-lynas-malaysia', 'fac-neo-narva']));
    for (const d of dependents) expect(d.path.links[0]).toMatchObject({ type: 'CONTAINS', to: { id: 'el-dy' } });
  });

  it("gives China's 91% of rare-earth separation, sourced, with the index", async () => {
    const { supplyShares } = await client.StageShares();
    expect(supplyShares.stage.id).toBe('stage-separation');
    expect(supplyShares.shares[0]).toMatchObject({ country: { name: 'China' }, sharePct: 91 });
    expect(supplyShares.shares[0]!.sources.length).toBeGreaterThan(0);
    expect(supplyShares.hhi).toBe(8281);
  });

  it('finds Tastyg despite the typo', async () => {
    const { search } = await client.Search();
    expect(search[0]!.entity).toMatchObject({ id: 'dep-tastyg', entityKind: 'DEPOSIT' });
    expect((await client.Search({ text: 'Glazov', kinds: ['FACILITY'], first: 1 })).search[0]!.entity.id).toBe('fac-glazov-magnet');
  });

  it('runs as a script, printing one answer per example', async () => {
    const lines = await summariseExamples(client);
    expect(lines).toHaveLength(queries.length);
    expect(lines[0]).toContain('Elbrusmetall lithium hydroxide plant');
    expect(lines[3]).toContain('China 91%');
    expect(lines[5]).toContain('Glazov');
  });

  it('receives a write as it commits through the example subscription, over graphql-ws', async () => {
    const upsert = async (name: string) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': WRITER_KEY },
        body: JSON.stringify({
          query: /* GraphQL */ `mutation ($input: FacilityInput!) { upsertFacility(input: $input, sources: [{ id: "seed-topcor-magnets" }]) { change { cursor } } }`,
          variables: { input: { id: `${PREFIX}plant`, name, kind: 'test plant', status: 'PLANNED' } },
        }),
      });
      const { data } = (await response.json()) as { data?: { upsertFacility: { change: { cursor: string } } } };
      if (!data) throw new Error(`the write failed (${response.status})`);
      return data.upsertFacility.change.cursor;
    };
    // From the first write's cursor: whenever the subscription starts, the second write comes after it.
    const after = await upsert('Example subscription test plant');
    const ws = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const received = new Promise<FormattedExecutionResult<LiveChangesSubscription, unknown>>((resolve, reject) => {
        ws.subscribe<LiveChangesSubscription>({ query: print(LiveChangesDocument), variables: { after } }, { next: resolve, error: reject, complete: () => reject(new Error('completed')) });
      });
      await upsert('Example subscription test plant, renamed');
      const { data, errors } = await received;
      expect(errors).toBeUndefined();
      expect(data?.changes).toMatchObject({ action: 'UPDATE', actor: ACTOR, target: `${PREFIX}plant`, entityIds: [`${PREFIX}plant`], sources: [{ id: 'seed-topcor-magnets' }] });
      expect(JSON.parse(data!.changes.after!)).toMatchObject({ name: 'Example subscription test plant, renamed' });
    } finally {
      await ws.dispose();
    }
  });
});
