import { loadExamples } from '../../src/examples';
import { examplesClient, summariseExamples, type ExamplesClient } from '../../client/runExamples';
import { startTestServer, type RunningServer } from '../support/testServer';

/** Every example operation through the typed client (graphql-request + generated documents), over HTTP. */
let server: RunningServer;
let client: ExamplesClient;
beforeAll(async () => {
  server = await startTestServer();
  client = examplesClient(`${server.url}/graphql`);
});
afterAll(async () => {
  await server.close();
});

describe('the typed client', () => {
  it('has a typed function for every example in examples/', () => {
    expect(Object.keys(client).sort()).toEqual(loadExamples().map((e) => e.operationName).sort());
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
    expect(paths[0]!.links.map((l) => l.material)).toEqual(['loparite ore', 'loparite concentrate', 'mixed RE carbonate / group concentrate', 'Nd and Pr', null]);
    for (const link of paths[0]!.links) expect(link.sources.length).toBeGreaterThan(0);
  });

  it('says what stops with the Lovozero plant, and what has another route', async () => {
    const { impact } = await client.ImpactOfStoppage();
    const byId = new Map(impact.affected.map((a) => [a.entity.id, a]));
    expect(byId.get('fac-glazov-magnet')).toMatchObject({ fullyExposed: true, alternatives: [] });
    expect(byId.get('prod-mixed-re-carbonate')?.fullyExposed).toBe(false);
    expect(impact.byCountry.map((c) => c.key)).toContain('Russia');
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
    expect(lines).toHaveLength(loadExamples().length);
    expect(lines[0]).toContain('Elbrusmetall lithium hydroxide plant');
    expect(lines[3]).toContain('China 91%');
  });
});
