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
