import { database, execute, setupInProcessApp, testContext } from '../support/testServer';

const t = setupInProcessApp();

const PAGE = /* GraphQL */ `
  query Page($sort: FacilitySort, $first: Int, $after: String, $last: Int, $before: String) {
    facilities(sort: $sort, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

async function page(variables: Record<string, unknown>) {
  const { data, errors } = await execute<any>(t.app, testContext(t.driver), PAGE, variables);
  expect(errors).toBeUndefined();
  return data.facilities;
}

describe('keyset pagination of facilities', () => {
  it.each([
    [{ field: 'NAME', direction: 'ASC' }],
    // A property some facilities lack: missing values first ascending, last descending; the two segments
    // (those having it, from its index, and those lacking it, by id) meet inside a page.
    [{ field: 'START_YEAR', direction: 'DESC' }],
    [{ field: 'START_YEAR', direction: 'ASC' }],
    [{ field: 'CAPACITY', direction: 'ASC' }],
    [{ field: 'CAPACITY', direction: 'DESC' }],
    // Few values, many ties: each page after a cursor seeks the rest of the cursor's value, then the values after it.
    [{ field: 'STATUS', direction: 'ASC' }],
    [{ field: 'KIND', direction: 'DESC' }],
    [{ field: 'NAME', direction: 'DESC' }],
  ])('visits every facility exactly once forward and backward, sorted by %o', async (sort) => {
    const all = await t.driver.executeQuery('MATCH (f:Facility) RETURN count(f) AS n', {}, { database });
    const total = all.records[0]!.get('n') as number;

    const forward: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const p: any = await page({ sort, first: 7, after });
      expect(p.totalCount).toBe(total);
      forward.push(...p.edges.map((e: any) => e.node.id));
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
      expect(++pages).toBeLessThan(20);
    }
    expect(forward).toHaveLength(total);
    expect(new Set(forward).size).toBe(total);
    // The pages, one after the other, are the whole list in (key, id) order, a missing value as -1.
    const property = { START_YEAR: 'startYear', CAPACITY: 'capacityValue' }[sort.field] ?? sort.field.toLowerCase();
    const ordered = await t.driver.executeQuery(
      `MATCH (f:Facility) RETURN f.id AS id ORDER BY coalesce(f[$property], -1) ${sort.direction}, f.id ${sort.direction}`,
      { property },
      { database },
    );
    expect(forward).toEqual(ordered.records.map((r) => r.get('id')));

    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const p: any = await page({ sort, last: 5, before });
      backward.unshift(...p.edges.map((e: any) => e.node.id));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(backward).toEqual(forward);
  });

  it('orders by the sort key with id as tie-breaker', async () => {
    const p = await page({ sort: { field: 'START_YEAR', direction: 'ASC' }, first: 100 });
    const ids: string[] = p.edges.map((e: any) => e.node.id);
    const years = await t.driver.executeQuery('MATCH (f:Facility) RETURN f.id AS id, coalesce(f.startYear, -1) AS y', {}, { database });
    const yearOf = new Map(years.records.map((r) => [r.get('id') as string, r.get('y') as number]));
    const expected = [...ids].sort((a, b) => yearOf.get(a)! - yearOf.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
    expect(ids).toEqual(expected);
  });

  it('refuses a page larger than the maximum and mixed directions', async () => {
    for (const variables of [{ first: 101 }, { last: -1 }, { first: 2, last: 2 }]) {
      const { errors } = await execute(t.app, testContext(t.driver), PAGE, variables);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

// The loaders read a relation's first 500 rows (MAX_RELATED). A relation with more is counted, and paged
// past them, by statements of its own: a company operating 503 facilities said `totalCount: 500` and
// ended its pages at the 500th.
describe('a relation longer than the 500 rows the loaders read', () => {
  const COMPANY = 'co-test-crowded-pages';
  const ids = Array.from({ length: 503 }, (_, i) => `fac-test-crowdpage-${String(i).padStart(3, '0')}`);
  const FACILITIES = /* GraphQL */ `
    query ($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Company {
      facilities(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
    } } }`;
  const facilities = async (variables: Record<string, unknown>) => {
    const { data, errors } = await execute<any>(t.app, testContext(t.driver), FACILITIES, { id: COMPANY, ...variables });
    return { page: data?.node?.facilities, codes: (errors ?? []).map((e) => e.extensions?.code) };
  };

  beforeAll(async () => {
    await t.driver.executeQuery(
      `CREATE (c:Entity:Company {id: $company, name: 'Crowded', kind: 'test', sourceIds: ['seed-topcor-magnets']})
       WITH c UNWIND $ids AS id
       CREATE (c)-[:OPERATES {key: 'OPERATES:' + $company + '->' + id, sourceIds: ['seed-topcor-magnets']}]->(:Entity:Facility {id: id, name: 'Crowd ' + id, kind: 'test', status: 'planned', sourceIds: ['seed-topcor-magnets']})`,
      { company: COMPANY, ids },
      { database },
    );
  });
  afterAll(async () => {
    await t.driver.executeQuery(`MATCH (n:Entity) WHERE n.id = $company OR n.id STARTS WITH 'fac-test-crowdpage-' DETACH DELETE n`, { company: COMPANY }, { database });
  });

  it('counts every row and pages through all of them, in the relation order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(10);
      const { page, codes } = await facilities({ first: 70, after });
      expect(codes).toEqual([]);
      expect(page.totalCount).toBe(503);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    // A company's facilities in name order: `Crowd <id>`, so the ids' order.
    expect(seen).toEqual(ids);
  });

  it('finds the item of a cursor past the first 500 rows by its place, and refuses a cursor whose item is not there', async () => {
    const { page } = await facilities({ first: 100, after: null });
    // A cursor names its sort, its item's place and its id (src/db/cursor.ts).
    const [sort] = JSON.parse(Buffer.from(page.edges[0].cursor, 'base64url').toString('utf8'));
    const cursorOf = (place: number, id: string) => Buffer.from(JSON.stringify([sort, place, id])).toString('base64url');
    expect((await facilities({ first: 2, after: cursorOf(501, ids[501]!) })).page.edges.map((e: any) => e.node.id)).toEqual([ids[502]]);
    // Past the first 500, the place finds the item; another item there, or none, is a stale cursor.
    expect((await facilities({ first: 2, after: cursorOf(501, ids[502]!) })).codes).toEqual(['BAD_USER_INPUT']);
    expect((await facilities({ first: 2, after: cursorOf(600, ids[502]!) })).codes).toEqual(['BAD_USER_INPUT']);
    expect((await facilities({ first: 2, after: cursorOf(-1, 'fac-test-none') })).codes).toEqual(['BAD_USER_INPUT']);
  });
});

// A stage's facilities of one commodity family keep the rows whose AT_STAGE names it. The filter ran on
// the relation's first 500 rows: past them, the count said what those rows kept, the pages ended there,
// and a family whose facilities all came after the 500th had none.
describe('a filtered relation longer than the 500 rows the loaders read', () => {
  const STAGE = 'stage-test-crowded-pages';
  const ids = Array.from({ length: 530 }, (_, i) => `fac-test-crowdstage-${String(i).padStart(3, '0')}`);
  const commoditiesOf = (i: number) => ['rare earths', ...(i % 7 === 0 ? ['lithium'] : []), ...(i >= 505 && i < 510 ? ['niobium'] : [])];
  const FACILITIES = /* GraphQL */ `
    query ($id: ID!, $commodity: String, $first: Int, $after: String) { node(id: $id) { ... on SupplyChainStage {
      facilities(commodity: $commodity, first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
    } } }`;
  const facilities = async (variables: Record<string, unknown>) => {
    const { data, errors } = await execute<any>(t.app, testContext(t.driver), FACILITIES, { id: STAGE, ...variables });
    return { page: data?.node?.facilities, codes: (errors ?? []).map((e) => e.extensions?.code) };
  };
  const walk = async (commodity: string, first: number) => {
    const seen: string[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(100);
      const { page, codes } = await facilities({ commodity, first, after });
      expect(codes).toEqual([]);
      totals.add(page.totalCount);
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { seen, totals: [...totals] };
  };

  beforeAll(async () => {
    await t.driver.executeQuery(
      `CREATE (s:Entity:SupplyChainStage {id: $stage, name: 'Crowded stage', kind: 'test', order: 99, sourceIds: ['seed-topcor-magnets']})
       WITH s UNWIND range(0, size($ids) - 1) AS i
       CREATE (:Entity:Facility {id: $ids[i], name: 'Crowd ' + $ids[i], kind: 'test', status: 'planned', sourceIds: ['seed-topcor-magnets']})
         -[:AT_STAGE {key: 'AT_STAGE:' + $ids[i] + '->' + $stage, commodities: $commodities[i], sourceIds: ['seed-topcor-magnets']}]->(s)`,
      { stage: STAGE, ids, commodities: ids.map((_, i) => commoditiesOf(i)) },
      { database },
    );
  });
  afterAll(async () => {
    await t.driver.executeQuery(`MATCH (n:Entity) WHERE n.id = $stage OR n.id STARTS WITH 'fac-test-crowdstage-' DETACH DELETE n`, { stage: STAGE }, { database });
  });

  it('counts and pages every row the filter keeps, past the first 500 of the relation', async () => {
    const lithium = ids.filter((_, i) => commoditiesOf(i).includes('lithium'));
    expect(lithium.length).toBe(76);
    expect(await walk('lithium', 10)).toEqual({ seen: lithium, totals: [76] });
  });

  it('finds the rows of a family that only rows past the 500th name', async () => {
    expect(await walk('niobium', 3)).toEqual({ seen: ids.slice(505, 510), totals: [5] });
    expect(await walk('tantalum', 3)).toEqual({ seen: [], totals: [0] });
  });

  // A cursor holds its item's place in its own list, which another family's list does not share, even
  // for an item in both (the first facility works on rare earths and lithium).
  it('refuses a cursor of the list of another family', async () => {
    const { page } = await facilities({ commodity: 'rare earths', first: 1 });
    expect(page.edges.map((e: any) => e.node.id)).toEqual([ids[0]]);
    expect((await facilities({ commodity: 'lithium', first: 2, after: page.pageInfo.endCursor })).codes).toEqual(['BAD_USER_INPUT']);
  });
});
