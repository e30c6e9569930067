import { execute, setupInProcessApp, testContext } from '../support/testServer';

/**
 * Facts corrected against their publications (issue 13, "Facts to correct"): each is asserted through
 * the API with the source that states it.
 */
const t = setupInProcessApp();

const run = <T = any>(query: string, variables: Record<string, unknown> = {}) => execute<T>(t.app, testContext(t.driver), query, variables);
const ids = (sources: { id: string }[]): string[] => sources.map((s) => s.id);

describe('corrected facts, each with its source', () => {
  it('Neo Narva: inaugurated 2025-09-19 and operating, 2,000 t/yr phase 1', async () => {
    const { data, errors } = await run(/* GraphQL */ `{ node(id: "fac-neo-narva") { ... on Facility { status statusNote startYear capacity { value unit } sources { id } } } }`);
    expect(errors).toBeUndefined();
    expect(data.node).toMatchObject({ status: 'OPERATING', startYear: 2025, capacity: { value: 2000, unit: 't/yr' } });
    expect(data.node.statusNote).toContain('inaugurated 2025-09-19');
    expect(ids(data.node.sources)).toEqual(expect.arrayContaining(['automotiveworld-neo-narva-2025', 'neo-cnw-narva-construction-2023']));
  });

  it('Polymetal is based in Kazakhstan (AIFC, Astana) since 2023, not in Russia', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "co-polymetal") { ... on Company { country { id name } description sources { id } } } }`);
    expect(data.node.country).toEqual({ id: 'country-kazakhstan', name: 'Kazakhstan' });
    expect(data.node.description).toContain('2023-08-07');
    expect(ids(data.node.sources)).toContain('tass-polymetal-aifc-2023');
  });

  it('MP 10X: 10,000 t/yr is MP’s total US capacity after 10X, not the capacity of 10X', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-mp-10x") { ... on Facility { capacity { value } details { key value } sources { id } } } }`);
    expect(data.node.capacity).toBeNull();
    expect(data.node.details).toContainEqual({ key: 'mpTotalUsCapacityAfter10XTPerYr', value: '10000' });
    expect(ids(data.node.sources)).toContain('mp-10x-northlake-2026');
  });

  it('the magnet off-take flows from MP to the DoD; the DoD’s stake is an ownership of about 15%', async () => {
    const { data } = await run(/* GraphQL */ `{
      mp: node(id: "co-mp") { ... on Company { supplies { to { id } material status sources { id } } owners { owner { id } sharePct note } } }
      dod: node(id: "co-us-dod") { ... on Company { supplies { to { id } } } } }`);
    expect(data.mp.supplies).toContainEqual({ to: { id: 'co-us-dod' }, material: expect.stringContaining('NdFeB magnets'), status: 'PLANNED', sources: [{ id: 'justia-mp-dod-offtake-2025' }, { id: 'nsenergy-mp-dod-2025' }] });
    expect(data.dod.supplies).toEqual([]);
    expect(data.mp.owners).toContainEqual({ owner: { id: 'co-us-dod' }, sharePct: 15, note: expect.stringContaining('preferred stock') });
  });

  it('China’s October 2025 controls: Ho, Er, Tm, Eu, Yb under Announcement No. 57, suspended by No. 70 until 2026-11-10', async () => {
    const { data } = await run(/* GraphQL */ `{ element(symbol: "Ho") { exportControls { country { id } measure status sources { id } } } }`);
    const [control] = data.element.exportControls;
    expect(control.country).toEqual({ id: 'country-china' });
    expect(control.measure).toMatch(/^MOFCOM\/GAC Announcement No\. 57 \(2025-10-09\)/);
    expect(control.status).toBe('suspended by Announcement No. 70 (2025-11-07) until 2026-11-10');
    expect(ids(control.sources)).toEqual(['siliconexpert-ann57-2025', 'chemradar-ann70-2025', 'rawmaterials-ann70-2025']);
  });

  it('Announcement No. 61 is the extraterritorial rule (the technologies are No. 62)', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "country-china") { ... on Region { exportControls { target { id } measure sources { id } } } } }`);
    const rule = data.node.exportControls.find((c: { target: { id: string } }) => c.target.id === 'stage-metal-alloy');
    expect(rule.measure).toMatch(/^MOFCOM Announcement No\. 61 .*0\.1% de minimis/);
    expect(rule.measure).not.toMatch(/technology/);
    expect(ids(rule.sources)).toContain('chemradar-ann61-62-2025');
  });

  it('Mount Weld’s 33,000 t/yr is the 2011 design figure, and says so', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-lynas-mtweld") { ... on Facility { capacity { value } details { key value } sources { id } } } }`);
    expect(data.node.capacity.value).toBe(33000);
    expect(data.node.details).toContainEqual({ key: 'capacityBasis', value: expect.stringContaining('2011 opening') });
    expect(ids(data.node.sources)).toContain('australianmining-mtweld-opening-2011');
  });

  it('Lovozero GOK has operated since 1951 (not 1939)', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-lovozero-gok") { ... on Facility { startYear sources { id } } } }`);
    expect(data.node.startYear).toBe(1951);
    expect(ids(data.node.sources)).toContain('atomvestnik-lgok-history-2023');
  });

  it('Tastyg: production no later than 2030, and no generic alias', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-tastyg-mine") { ... on Facility { aliases statusNote sources { id } } } }`);
    expect(data.node.aliases).not.toContain('planned');
    expect(data.node.statusNote).toContain('no later than 2030');
    expect(ids(data.node.sources)).toContain('tass-en-2066201');
  });

  it('Areal’s lithium-salts plant for Tastyg concentrate, in design, fed by the Tastyg mine', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-areal-tastyg-lithium-salts") { ... on Facility {
      status statusNote operator { id name aliases } region { id } inputs { from { id } material sources { id } } sources { id } } } }`);
    expect(data.node).toMatchObject({ status: 'PLANNED', operator: { id: 'co-areal', name: 'Areal', aliases: ['Highland Gold'] }, region: { id: 'reg-tuva' } });
    expect(data.node.inputs).toEqual([{ from: { id: 'fac-tastyg-mine' }, material: 'Tastyg spodumene concentrate', sources: [{ id: 'prime-areal-tastyg-2025' }] }]);
    expect(ids(data.node.sources)).toEqual(['prime-areal-tastyg-2025']);
  });

  it('Glazov: 2028 is the year of full capacity, not of first production (which no source gives)', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "fac-glazov-magnet") { ... on Facility { startYear fullCapacityYear statusNote sources { id } } } }`);
    expect(data.node).toMatchObject({ startYear: null, fullCapacityYear: 2028 });
    expect(ids(data.node.sources)).toContain('eadaily-glazov-2024');
  });

  it('Tanbreez: the licence is held by Tanbreez Mining Greenland, in which Critical Metals holds 42%', async () => {
    const { data } = await run(/* GraphQL */ `{
      dep: node(id: "dep-tanbreez") { ... on Deposit { holder { id } licences { holder { id } startYear termYears sources { id } } } }
      co: node(id: "co-tanbreez-mining") { ... on Company { owners { owner { id } sharePct sources { id } } } } }`);
    expect(data.dep.holder).toEqual({ id: 'co-tanbreez-mining' });
    expect(data.dep.licences).toContainEqual({ holder: { id: 'co-tanbreez-mining' }, startYear: 2020, termYears: 30, sources: [{ id: 'highnorthnews-tanbreez-permit' }, { id: 'naalakkersuisut-tanbreez-2019' }] });
    expect(data.co.owners).toEqual([{ owner: { id: 'co-critical-metals' }, sharePct: 42, sources: [{ id: 'northernminer-crml-42pct-2024' }, { id: 'northernminer-crml-925-2025' }] }]);
  });

  it('headquarters: CREG in Ganzhou (Jiangxi), Neo in Toronto (Canada), Red Wind in the Netherlands (inferred)', async () => {
    const { data } = await run(/* GraphQL */ `{
      creg: node(id: "co-creg") { ... on Company { country { id parent { id } } } }
      neo: node(id: "co-neo") { ... on Company { country { id parent { id } } } }
      redWind: node(id: "co-red-wind") { ... on Company { country { id } } } }`);
    expect(data.creg.country).toEqual({ id: 'reg-ganzhou', parent: { id: 'reg-jiangxi' } });
    expect(data.neo.country).toEqual({ id: 'reg-toronto', parent: { id: 'country-canada' } });
    expect(data.redWind.country).toEqual({ id: 'country-netherlands' });
  });

  it('Krasnokamensk is in Zabaykalsky Krai and Ulan-Ude in Buryatia', async () => {
    const { data } = await run(/* GraphQL */ `{
      k: node(id: "reg-krasnokamensk") { ... on Region { parent { id } } }
      u: node(id: "reg-ulan-ude") { ... on Region { parent { id parent { id } } } } }`);
    expect(data.k.parent).toEqual({ id: 'reg-zabaykalsky' });
    expect(data.u.parent).toEqual({ id: 'reg-buryatia', parent: { id: 'country-russia' } });
  });

  it('world totals of production and reserves from USGS Mineral Commodity Summaries 2025', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "reg-world") { ... on Region { kind figures { metric value unit year sources { id } } } } }`);
    expect(data.node.kind).toBe('world');
    expect(data.node.figures).toEqual(
      expect.arrayContaining([
        { metric: 'rare-earth mine production', value: 390000, unit: 't REO', year: 2024, sources: [{ id: 'usgs-mcs2025-rare-earths' }] },
        { metric: 'lithium reserves', value: 30000000, unit: 't Li', year: 2024, sources: [{ id: 'usgs-mcs2025-lithium' }] },
        { metric: 'niobium mine production', value: 110000, unit: 't Nb', year: 2024, sources: [{ id: 'usgs-mcs2025-niobium' }] },
        { metric: 'tantalum mine production', value: 2100, unit: 't Ta', year: 2024, sources: [{ id: 'usgs-mcs2025-tantalum' }] },
      ]),
    );
  });

  it('Bayan Obo no longer claims an unsourced share of world reserves', async () => {
    const { data } = await run(/* GraphQL */ `{ node(id: "dep-bayan-obo") { ... on Deposit { description } } }`);
    expect(data.node.description).not.toMatch(/40%/);
    expect(data.node.description).toContain('not confirmed');
  });

  it("Russia's figures cite the publication and edition that give each value, not the country's whole source list", async () => {
    const { data, errors } = await run(/* GraphQL */ `{ node(id: "country-russia") { ... on Region { figures { id value year basis sources { id } } } } }`);
    expect(errors).toBeUndefined();
    const byId = new Map<string, any>(data.node.figures.map((f: any) => [f.id, f]));
    expect(ids(byId.get('fig-russia-remineproduction2024').sources).sort()).toEqual(['upstox-usgs-2025', 'usgs-mcs2025-re-data']);
    expect(ids(byId.get('fig-russia-rereserves').sources).sort()).toEqual(['usgs-mcs2025-re-data', 'wionews-reserves-2025']);
    expect(byId.get('fig-russia-rereservespreviousedition')).toMatchObject({ value: 10000000, basis: expect.stringContaining('Mineral Commodity Summaries 2024') });
    expect(ids(byId.get('fig-russia-rereservesnationalclaim').sources).sort()).toEqual(['moscowtimes-roadmap-2025', 'tass-en-2034455']);
    for (const figure of data.node.figures) expect(figure.sources.length).toBeLessThanOrEqual(4);
  });

  it('regimes mapped to sites only by the seed text are unconfirmed; zirconium at Zashikhinskoye is now stated, with its sources', async () => {
    const { data } = await run(/* GraphQL */ `{ nodes(ids: ["reg-minusinsk", "reg-sayanogorsk", "reg-krasnoyarsk-city"]) { ... on Region { regime regimeConfidence } } }`);
    for (const region of data.nodes) expect(region).toMatchObject({ regime: expect.any(String), regimeConfidence: 'UNCONFIRMED' });
    const zr = await run(/* GraphQL */ `{ node(id: "dep-zashikhinskoye") { ... on Deposit { elements { element { id } confidence sources { id } } } } }`);
    const zirconium = zr.data.node.elements.find((e: any) => e.element.id === 'el-zr');
    expect(zirconium).toMatchObject({ confidence: 'STATED' });
    expect(ids(zirconium.sources)).toEqual(expect.arrayContaining(['zrmo-alymova-zashikhinsky-2021']));
  });

  it('iron and boron are NdFeB magnet inputs; CNRE Baotou has no first year from its 2024 upgrade; Tatarskoye and Klyuchevsky are not claimed to operate today', async () => {
    const { data } = await run(/* GraphQL */ `{
      fe: element(symbol: "Fe") { magnetInput } b: element(symbol: "B") { magnetInput } ti: element(symbol: "Ti") { magnetInput }
      cnre: node(id: "fac-cnre-baotou") { ... on Facility { status startYear statusNote } }
      plant: node(id: "fac-klyuchevsky") { ... on Facility { status statusNote sources { id } } }
      deposit: node(id: "dep-tatarskoye") { ... on Deposit { status statusNote } } }`);
    expect([data.fe.magnetInput, data.b.magnetInput, data.ti.magnetInput]).toEqual([true, true, false]);
    expect(data.cnre).toMatchObject({ status: 'OPERATING', startYear: null, statusNote: expect.stringContaining('2024-10-15') });
    expect(data.plant).toMatchObject({ status: 'HISTORICAL', statusNote: expect.stringContaining('not confirmed'), sources: [{ id: 'cyberleninka-niobium' }] });
    expect(data.deposit).toMatchObject({ status: 'HISTORICAL', statusNote: expect.stringContaining('not confirmed') });
  });

  it('erbium is used in optical communications (fibre amplifiers), as its note says, not in consumer electronics', async () => {
    const { data } = await run(/* GraphQL */ `{ dependents(of: "el-er", maxHops: 1) { entity { id } path { links { note sources { id } } } } }`);
    const ids1 = data.dependents.map((d: any) => d.entity.id);
    expect(ids1).toContain('use-optical-communications');
    expect(ids1).not.toContain('use-consumer-electronics');
    const link = data.dependents.find((d: any) => d.entity.id === 'use-optical-communications').path.links[0];
    expect(link).toMatchObject({ note: expect.stringContaining('fibre amplifiers'), sources: [{ id: 'wsgs-ree-uses' }] });
  });
});
