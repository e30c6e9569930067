import { database, execute, setupInProcessApp, testContext } from '../support/testServer';

/** `capacity`: facility capacities summed in t/yr per country, company or region, nothing silently dropped (issue 13, point 5). */
const t = setupInProcessApp();

const run = <T = any>(query: string, variables: Record<string, unknown> = {}) => execute<T>(t.app, testContext(t.driver), query, variables);

describe('capacity', () => {
  it('sums NdFeB magnet capacity per country, with the facilities and sources behind each total, and lists what it cannot count', async () => {
    const { data, errors } = await run(/* GraphQL */ `{ capacity(product: "prod-ndfeb-magnet") {
      unit total
      groups { key { id } total facilities { facility { id } value unit converted sources { id } } }
      uncounted { facility { id } uncountedBecause } } }`);
    expect(errors).toBeUndefined();
    expect(data.capacity.unit).toBe('t/yr');
    expect(data.capacity.groups.map((g: any) => [g.key.id, g.total])).toEqual([
      ['country-estonia', 2000],
      ['country-russia', 1000],
      ['country-usa', 1000],
    ]);
    expect(data.capacity.total).toBe(4000);
    const russia = data.capacity.groups[1];
    expect(russia.facilities).toEqual([
      { facility: { id: 'fac-glazov-magnet' }, value: 1000, unit: 't/yr', converted: 1000, sources: expect.arrayContaining([{ id: 'atomexpo-spic-2024' }]) },
    ]);
    expect(data.capacity.uncounted).toEqual(
      expect.arrayContaining([
        { facility: { id: 'fac-mp-10x' }, uncountedBecause: 'no capacity in the sources' },
        { facility: { id: 'fac-elemash-elektrostal' }, uncountedBecause: 'no capacity in the sources' },
      ]),
    );
  });

  it('answers “Russia’s planned NdFeB magnet capacity by 2030”, and counts only what operates in an earlier year', async () => {
    const { data } = await run(/* GraphQL */ `{
      by2030: capacity(product: "prod-ndfeb-magnet", asOf: 2030) { groups { key { id } total } }
      by2026: capacity(product: "prod-ndfeb-magnet", asOf: 2026) { groups { key { id } total } uncounted { facility { id } uncountedBecause } } }`);
    expect(data.by2030.groups).toContainEqual({ key: { id: 'country-russia' }, total: 1000 });
    expect(data.by2026.groups.map((g: any) => g.key.id)).toEqual(['country-estonia', 'country-usa']);
    expect(data.by2026.uncounted).toContainEqual({ facility: { id: 'fac-elemash-elektrostal' }, uncountedBecause: 'no start year, so not known to operate in 2026' });
  });

  it('groups by operating company', async () => {
    const { data } = await run(/* GraphQL */ `{ capacity(product: "prod-ndfeb-magnet", groupBy: COMPANY) { groups { key { id } total } } }`);
    expect(data.capacity.groups).toEqual([
      { key: { id: 'co-neo' }, total: 2000 },
      { key: { id: 'co-elemash-magnet' }, total: 1000 },
      { key: { id: 'co-mp' }, total: 1000 },
    ]);
  });

  it('refuses a call with neither stage nor product, an unknown product and a year out of range', async () => {
    const none = await run(/* GraphQL */ `{ capacity { total } }`);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'stage' });
    const unknown = await run(/* GraphQL */ `{ capacity(product: "prod-nope") { total } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', id: 'prod-nope' });
    const wrongKind = await run(/* GraphQL */ `{ capacity(stage: "prod-ndfeb-magnet") { total } }`);
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const year = await run(/* GraphQL */ `{ capacity(stage: "stage-component", asOf: 3000) { total } }`);
    expect(year.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'asOf' });
    const commodity = await run(/* GraphQL */ `{ capacity(stage: "stage-separation", commodity: "rare-earths") { total } }`);
    expect(commodity.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'commodity' });
  });

  it('counts only the commodity asked for at a stage: lithium separation is not rare-earth separation', async () => {
    const ids = async (commodity: string | null) => {
      const { data, errors } = await run(/* GraphQL */ `query ($c: String) { capacity(stage: "stage-separation", commodity: $c) {
        groups { facilities { facility { id } } } uncounted { facility { id } } } }`, { c: commodity });
      expect(errors).toBeUndefined();
      return [...data.capacity.groups.flatMap((g: any) => g.facilities), ...data.capacity.uncounted].map((i: any) => i.facility.id) as string[];
    };
    const all = await ids(null);
    const rareEarths = await ids('rare earths');
    const lithium = await ids('lithium');
    expect(all).toEqual(expect.arrayContaining(['fac-elbrus-lioh', 'fac-khimmed', 'fac-smz-separation']));
    expect(rareEarths).toContain('fac-smz-separation');
    expect(rareEarths).not.toContain('fac-elbrus-lioh');
    expect(rareEarths).not.toContain('fac-khimmed');
    expect(lithium).toEqual(['fac-elbrus-lioh']);
  });

  // A report reads its facilities from its product's makers, else its stage's facilities, else every
  // facility (src/db/queries/capacity.ts); whichever it starts from, it holds exactly the facilities
  // that match everything asked (without `asOf`, historical ones too).
  it.each([
    ['a product', { product: 'prod-ndfeb-magnet' }],
    ['a stage', { stage: 'stage-separation' }],
    ['a stage and a commodity', { stage: 'stage-separation', commodity: 'rare earths' }],
    ['a commodity alone', { commodity: 'lithium' }],
    ['a product and a stage', { product: 'prod-ndfeb-magnet', stage: 'stage-component' }],
  ])('holds every facility matching %s, and only those', async (_name, args: { product?: string; stage?: string; commodity?: string }) => {
    const { data, errors } = await run(
      /* GraphQL */ `query ($product: ID, $stage: ID, $commodity: String) { capacity(product: $product, stage: $stage, commodity: $commodity) {
        groups { facilities { facility { id } } } uncounted { facility { id } } } }`,
      args,
    );
    expect(errors).toBeUndefined();
    const reported = [...data.capacity.groups.flatMap((g: any) => g.facilities), ...data.capacity.uncounted].map((i: any) => i.facility.id as string);
    const expected = await t.driver.executeQuery(
      `MATCH (f:Facility)
       WHERE ($product IS NULL OR EXISTS { (f)-[:PRODUCES]->(:Product {id: $product}) })
         AND (($stage IS NULL AND $commodity IS NULL) OR EXISTS { (f)-[a:AT_STAGE]->(s:SupplyChainStage) WHERE ($stage IS NULL OR s.id = $stage) AND ($commodity IS NULL OR $commodity IN a.commodities) })
       RETURN f.id AS id`,
      { product: args.product ?? null, stage: args.stage ?? null, commodity: args.commodity ?? null },
      { database },
    );
    expect(reported.length).toBeGreaterThan(0);
    expect([...reported].sort()).toEqual(expected.records.map((r) => r.get('id') as string).sort());
  });
});
