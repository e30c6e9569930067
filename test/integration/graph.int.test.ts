import { execute, setupInProcessApp, testContext } from '../support/testServer';

const t = setupInProcessApp();

const run = <T = any>(query: string, variables: Record<string, unknown> = {}) => execute<T>(t.app, testContext(t.driver), query, variables);

describe('questions from the seed texts, answered from the graph', () => {
  it('who builds the lithium hydroxide plant, from what, and when (seed 000)', async () => {
    const { data, errors } = await run(/* GraphQL */ `
      { node(id: "fac-elbrus-lioh") { ... on Facility {
          name startYear status operator { name }
          inputs { from { id name } material status sources { id } }
          products { product { name } }
      } } }`);
    expect(errors).toBeUndefined();
    expect(data.node).toMatchObject({ startYear: 2030, status: 'PLANNED', operator: { name: 'AO Elbrusmetall' }, products: [{ product: { name: 'Lithium hydroxide' } }] });
    expect(data.node.inputs).toEqual([
      expect.objectContaining({ from: { id: 'fac-tastyg-mine', name: expect.stringMatching(/Tastyg/) }, material: 'Tastyg lithium concentrate', status: 'PLANNED' }),
    ]);
    expect(data.node.inputs[0].sources.map((s: { id: string }) => s.id)).toContain('tass-ru-25560623');
  });

  it('what the Glazov plant makes and its planned capacity (seed 002)', async () => {
    const { data } = await run(/* GraphQL */ `
      { node(id: "fac-glazov-magnet") { ... on Facility {
          capacity { value unit } startYear fullCapacityYear region { name parent { name } } operator { name }
          products { product { id } status confidence }
      } } }`);
    expect(data.node.capacity).toEqual({ value: 1000, unit: 't/yr' });
    // 2028 is the year of full capacity (EADaily, 2024-02-14); no source gives the first production year.
    expect(data.node).toMatchObject({ startYear: null, fullCapacityYear: 2028 });
    expect(data.node.region.name).toBe('Glazov');
    expect(data.node.products).toEqual(
      expect.arrayContaining([
        { product: { id: 'prod-ndfeb-magnet' }, status: 'PLANNED', confidence: 'STATED' },
        // SmCo is only a possibility in the sources: it must not look confirmed.
        { product: { id: 'prod-smco-magnet' }, status: 'PLANNED', confidence: 'INFERRED' },
      ]),
    );
  });

  it('which companies of the Angara–Yenisei cluster have projects by 2030', async () => {
    const { data } = await run(/* GraphQL */ `
      { facilities(first: 100, where: { inRegion: "reg-angara-yenisei", startYear: { lte: 2030 } }, sort: { field: START_YEAR }) {
          edges { node { id startYear operator { name } } } } }`);
    const byFacility = Object.fromEntries(data.facilities.edges.map((e: any) => [e.node.id, e.node]));
    expect(byFacility['fac-khimmed']).toMatchObject({ startYear: 2028, operator: { name: 'AO Khimmed' } });
    expect(byFacility['fac-elbrus-lioh']).toMatchObject({ startYear: 2030, operator: { name: 'AO Elbrusmetall' } });
    expect(byFacility['fac-rusal-ai']).toBeUndefined(); // Rusal's AI centre comes in 2032
  });

  it('which Russian deposits contain niobium', async () => {
    const { data } = await run(/* GraphQL */ `
      { deposits(first: 50, where: { element: "Nb", inRegion: "country-russia" }) { totalCount edges { node { id } } } }`);
    const ids = data.deposits.edges.map((e: any) => e.node.id);
    expect(ids).toEqual(expect.arrayContaining(['dep-tomtor', 'dep-zashikhinskoye', 'dep-chuktukon', 'dep-tastyg', 'dep-lovozero']));
    expect(ids).not.toContain('dep-araxa'); // Brazil
    expect(data.deposits.totalCount).toBe(ids.length);
  });

  it('keeps conflicting national figures side by side, each with its source', async () => {
    const { data } = await run(/* GraphQL */ `
      { node(id: "country-russia") { ... on Region { figures { metric value year basis sources { id } } } } }`);
    const reserves = data.node.figures.filter((f: any) => f.metric === 'rare-earth reserves').map((f: any) => f.value);
    expect(reserves).toEqual(expect.arrayContaining([3_800_000, 28_700_000]));
  });

  it('finds Tastyg by a misspelt name, best match first', async () => {
    const { data } = await run(/* GraphQL */ `{ search(text: "Tastig", first: 3) { score entity { id entityKind } } }`);
    expect(data.search[0].entity).toEqual({ id: 'dep-tastyg', entityKind: 'DEPOSIT' });
    const { data: folded } = await run(/* GraphQL */ `{ search(text: "SILLAMÄE", kinds: [FACILITY]) { entity { id } } }`);
    expect(folded.search.map((h: any) => h.entity.id)).toContain('fac-silmet');
    // Kinds filter the hits (a statement of their own); without them every kind is searched.
    const { data: kinds } = await run(/* GraphQL */ `{ all: search(text: "Tastyg") { entity { id entityKind } }
      plants: search(text: "Tastyg", kinds: [COMPANY, FACILITY]) { entity { id entityKind } } }`);
    expect(kinds.all[0].entity).toEqual({ id: 'dep-tastyg', entityKind: 'DEPOSIT' });
    expect(kinds.plants.map((h: any) => h.entity.id)).toEqual(expect.arrayContaining(['fac-tastyg-mine', 'fac-areal-tastyg-lithium-salts']));
    expect(kinds.plants.every((h: any) => ['COMPANY', 'FACILITY'].includes(h.entity.entityKind))).toBe(true);
  });

  it('navigates relationships in both directions', async () => {
    const { data } = await run(/* GraphQL */ `
      { element(symbol: "Li") { deposits { deposit { id holder { id } region { id } } } }
        node(id: "reg-krasnoyarsk-krai") { ... on Region { parent { id } children { totalCount edges { node { id } } } } } }`);
    const tastyg = data.element.deposits.find((d: any) => d.deposit.id === 'dep-tastyg');
    expect(tastyg.deposit.region.id).toBe('reg-erzinsky');
    expect(tastyg.deposit.holder.id).toBe('co-elbrusmetall-litiy');
    expect(data.node.children.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(['reg-minusinsk', 'reg-krasnoyarsk-city']));
    expect(data.node.children.totalCount).toBe(data.node.children.edges.length);
  });

  it('returns null for an unknown id and nodes in the order asked', async () => {
    const { data } = await run(/* GraphQL */ `{ nodes(ids: ["el-nd", "nope", "tass-ru-25560623"]) { id __typename } }`);
    expect(data.nodes).toEqual([{ id: 'el-nd', __typename: 'Element' }, null, { id: 'tass-ru-25560623', __typename: 'Source' }]);
  });

  it('rejects malformed input with BAD_USER_INPUT', async () => {
    const { errors } = await run(/* GraphQL */ `{ facilities(where: { name: { eq: "x" } }, after: "garbage") { totalCount } }`);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const { errors: tooMany } = await run(/* GraphQL */ `{ search(text: "a", first: 1000) { score } }`);
    expect(tooMany?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages a relationship list with cursors: every item once, in order', async () => {
    const page = /* GraphQL */ `query ($after: String) { element(symbol: "Nd") { containedIn(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let i = 0; i < 20; i++) {
      const { data, errors }: { data?: any; errors?: unknown } = await run(page, { after });
      expect(errors).toBeUndefined();
      const c: any = data.element.containedIn;
      total = c.totalCount;
      expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...c.edges.map((e: any) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(2);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const { errors } = await run(page, { after: 'not-a-cursor' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
