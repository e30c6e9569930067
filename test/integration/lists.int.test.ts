import { database, execute, setupInProcessApp, testContext } from '../support/testServer';

/**
 * The lists an analyst starts from instead of guessing ids (issue 13): `stages` in chain order, and
 * `sources` and `figures` as filtered, keyset-paginated connections, asked of the seed graph.
 */
const t = setupInProcessApp();

const run = <T = any>(query: string, variables: Record<string, unknown> = {}) => execute<T>(t.app, testContext(t.driver), query, variables);

async function data<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { data: result, errors } = await run<T>(query, variables);
  expect(errors).toBeUndefined();
  return result as T;
}

const SOURCES = /* GraphQL */ `
  query Sources($where: SourceWhere, $sort: SourceSort, $first: Int, $after: String, $last: Int, $before: String) {
    sources(where: $where, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { cursor node { id title date } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

const FIGURES = /* GraphQL */ `
  query Figures($where: FigureWhere, $sort: FigureSort, $first: Int, $after: String) {
    figures(where: $where, sort: $sort, first: $first, after: $after) {
      totalCount
      edges { cursor node { id metric year value unit sources { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const ids = (connection: any): string[] => connection.edges.map((e: any) => e.node.id);

async function sources(variables: Record<string, unknown>) {
  return (await data(SOURCES, variables)).sources;
}

describe('stages', () => {
  it('lists the six stages in supply-chain order, mining first', async () => {
    const { stages } = await data(/* GraphQL */ `{ stages { id name order next { id } } }`);
    expect(stages.map((s: any) => s.id)).toEqual([
      'stage-mining',
      'stage-concentrate',
      'stage-separation',
      'stage-metal-alloy',
      'stage-component',
      'stage-end-use',
    ]);
    expect(stages.map((s: any) => s.order)).toEqual([1, 2, 3, 4, 5, 6]);
    // Each stage's `next` is the one after it in the list.
    expect(stages.slice(0, -1).map((s: any) => s.next?.id)).toEqual(stages.slice(1).map((s: any) => s.id));
  });
});

describe('sources', () => {
  it('cites: exactly the sources the facility cites', async () => {
    const { node } = await data(/* GraphQL */ `{ node(id: "fac-neo-narva") { ... on Facility { sources { id } } } }`);
    const cited: string[] = node.sources.map((s: any) => s.id);
    expect(cited).toContain('automotiveworld-neo-narva-2025');

    const page = await sources({ where: { cites: 'fac-neo-narva' }, first: 100 });
    expect(ids(page).sort()).toEqual([...cited].sort());
    expect(page.totalCount).toBe(cited.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('cites: a figure\'s sources too, and nothing for an unknown id', async () => {
    const { node } = await data(/* GraphQL */ `{ node(id: "fig-russia-rereserves") { ... on Figure { sources { id } } } }`);
    const page = await sources({ where: { cites: 'fig-russia-rereserves' }, first: 100 });
    expect(ids(page).sort()).toEqual(node.sources.map((s: any) => s.id).sort());
    expect((await sources({ where: { cites: 'no-such-entity' } })).totalCount).toBe(0);
  });

  it('date startsWith: September 2025 includes the Neo Narva opening, and only dates of that month', async () => {
    const page = await sources({ where: { date: { startsWith: '2025-09' } }, first: 100 });
    expect(ids(page)).toContain('automotiveworld-neo-narva-2025');
    for (const edge of page.edges) expect(edge.node.date).toMatch(/^2025-09/);
  });

  it('date lt/gte compare the ISO text; title and publisher filters combine', async () => {
    const page = await sources({ where: { date: { gte: '2025-09', lt: '2025-10' } }, sort: { field: 'DATE' }, first: 100 });
    const dates: string[] = page.edges.map((e: any) => e.node.date);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date >= '2025-09' && date < '2025-10').toBe(true);
    expect(dates).toEqual([...dates].sort());

    const narrowed = await sources({ where: { date: { eq: '2025-09-19' }, title: { contains: 'estonia' }, publisher: { startsWith: 'automotive' } } });
    expect(ids(narrowed)).toEqual(['automotiveworld-neo-narva-2025']);
    const byId = await sources({ where: { id: { in: ['automotiveworld-neo-narva-2025', 'argus-neo-narva', 'no-such-source'] } }, sort: { field: 'ID' } });
    expect(ids(byId)).toEqual(['argus-neo-narva', 'automotiveworld-neo-narva-2025']);
  });

  it.each([[{ field: 'TITLE', direction: 'ASC' }], [{ field: 'DATE', direction: 'DESC' }], [{ field: 'DATE', direction: 'ASC' }], [{ field: 'ID', direction: 'ASC' }]])(
    'pages of 10 give the order of pages of 100, with no gap or repeat (sort %o)',
    async (sort) => {
      const counted = await t.driver.executeQuery('MATCH (s:Source) RETURN count(s) AS n', {}, { database });
      const total = counted.records[0]!.get('n') as number;
      expect(total).toBeGreaterThan(100);

      const paged: string[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(50);
        const page: any = await sources({ sort, first: 10, after });
        expect(page.edges.length).toBeLessThanOrEqual(10);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        paged.push(...ids(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }

      const first = await sources({ sort, first: 100 });
      const rest = await sources({ sort, first: 100, after: first.pageInfo.endCursor });
      expect(first.totalCount).toBe(total);
      expect(rest.pageInfo.hasNextPage).toBe(false);
      const whole = [...ids(first), ...ids(rest)];
      expect(whole).toHaveLength(total);
      expect(new Set(whole).size).toBe(total);
      expect(paged).toEqual(whole);

      // Backward from the end, 25 at a time, gives the same order again.
      const backward: string[] = [];
      let before: string | null = null;
      for (;;) {
        const page: any = await sources({ sort, last: 25, before });
        backward.unshift(...ids(page));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(whole);
    },
  );

  it('sorts by title by default, id breaking ties', async () => {
    const page = await sources({ first: 100 });
    const keys = page.edges.map((e: any) => [e.node.title, e.node.id]);
    const sorted = [...keys].sort(([ta, ia]: string[], [tb, ib]: string[]) => (ta! < tb! ? -1 : ta! > tb! ? 1 : ia! < ib! ? -1 : ia! > ib! ? 1 : 0));
    expect(keys).toEqual(sorted);
  });
});

describe('figures', () => {
  const RUSSIA = ['fig-russia-remineproduction2024', 'fig-russia-rereserves', 'fig-russia-rereservespreviousedition', 'fig-russia-rereservesnationalclaim'];

  it("country: Russia's figures, by year", async () => {
    const { figures } = await data(FIGURES, { where: { country: 'country-russia' } });
    expect(ids(figures).sort()).toEqual([...RUSSIA].sort());
    expect(figures.totalCount).toBe(RUSSIA.length);
    const years: number[] = figures.edges.map((e: any) => e.node.year);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    for (const edge of figures.edges) expect(edge.node.sources.length).toBeGreaterThan(0);

    // The same figures the region reports.
    const { node } = await data(/* GraphQL */ `{ node(id: "country-russia") { ... on Region { figures { id } } } }`);
    expect(node.figures.map((f: any) => f.id).sort()).toEqual([...RUSSIA].sort());
  });

  it('metric and year filters, sorted by metric', async () => {
    const { figures } = await data(FIGURES, {
      where: { country: 'country-russia', metric: { eq: 'rare-earth reserves' }, year: { gte: 2024 } },
      sort: { field: 'METRIC' },
    });
    expect(ids(figures)).toEqual(['fig-russia-rereserves']);
    expect(figures.edges[0].node).toMatchObject({ metric: 'rare-earth reserves', year: 2024, unit: 't REO' });

    const older = await data(FIGURES, { where: { country: 'country-russia', year: { lt: 2024 } }, first: 100 });
    expect(ids(older.figures).sort()).toEqual(['fig-russia-rereservesnationalclaim', 'fig-russia-rereservespreviousedition']);
    const exact = await data(FIGURES, { where: { year: { eq: 2023 }, metric: { startsWith: 'rare-earth' } }, first: 100 });
    for (const edge of exact.figures.edges) expect(edge.node.year).toBe(2023);
  });

  it('pages through every figure with no gap or repeat', async () => {
    const counted = await t.driver.executeQuery('MATCH (f:Figure) RETURN count(f) AS n', {}, { database });
    const total = counted.records[0]!.get('n') as number;
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(50);
      const { figures }: any = await data(FIGURES, { sort: { field: 'YEAR', direction: 'DESC' }, first: 4, after });
      seen.push(...ids(figures));
      if (!figures.pageInfo.hasNextPage) break;
      after = figures.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});

describe('bad input is the client\'s error (BAD_USER_INPUT, or refused by validation)', () => {
  const codes = (response: { errors?: { extensions?: { code?: string } }[] }) => (response.errors ?? []).map((e) => e.extensions?.code);

  it('an unknown sort field written in the document is refused before anything runs', async () => {
    expect(codes(await run(/* GraphQL */ `{ sources(sort: { field: NAME }) { totalCount } }`))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(await run(/* GraphQL */ `{ figures(sort: { field: TITLE }) { totalCount } }`))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  // The cost plugin coerces the variables too (graphql-query-complexity): it must leave a bad variable to
  // execution, which refuses it with BAD_USER_INPUT (it used to turn it into INTERNAL_SERVER_ERROR).
  it('an unknown sort field in a variable', async () => {
    expect(codes(await run(SOURCES, { sort: { field: 'NAME' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(FIGURES, { sort: { field: 'TITLE' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(/* GraphQL */ `query ($sort: RegionSort) { regions(sort: $sort) { totalCount } }`, { sort: { field: 'CAPACITY' } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a page size of 500', async () => {
    const response = await run(SOURCES, { first: 500 });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]).toMatchObject({ message: '"first" must be between 0 and 100 (got 500)', extensions: { argument: 'first' } });
    expect(codes(await run(FIGURES, { first: 500 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a cursor of another sort order', async () => {
    const byTitle = await sources({ first: 1 });
    expect(codes(await run(SOURCES, { sort: { field: 'DATE' }, after: byTitle.pageInfo.endCursor }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(FIGURES, { after: byTitle.pageInfo.endCursor }))).toEqual(['BAD_USER_INPUT']);
  });
});

// A relationship filter to one node given at the top of `where` is matched from that node
// (src/db/queries/lists.ts, `anchor`); nested in `AND`, the same filter is tested on each node. Both
// must answer the same page, in the same order, with the same count, on the first page and after a cursor.
describe('relationship filters matched from the node they name', () => {
  const PAGE = (list: string, where: string, sort: string) => /* GraphQL */ `
    query ($where: ${where}, $after: String) { page: ${list}(where: $where, first: 2, after: $after, sort: { field: ${sort} }) {
      totalCount edges { node { id } } pageInfo { endCursor hasNextPage } } }`;

  async function walk(list: string, whereType: string, sort: string, where: Record<string, unknown>) {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let pages = 0; pages < 20; pages++) {
      const { page }: { page: any } = await data(PAGE(list, whereType, sort), { where, after });
      total = page.totalCount;
      seen.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { seen, total };
  }

  it.each([
    ['facilities', 'FacilityWhere', 'NAME', { product: 'prod-ndfeb-magnet' }],
    ['facilities', 'FacilityWhere', 'STATUS', { operator: 'co-rusal' }],
    ['facilities', 'FacilityWhere', 'NAME', { product: 'prod-ndfeb-magnet', status: { eq: 'OPERATING' } }],
    ['deposits', 'DepositWhere', 'NAME', { holder: 'co-elbrusmetall-litiy' }],
    ['regions', 'RegionWhere', 'KIND', { parent: 'country-russia' }],
    ['figures', 'FigureWhere', 'METRIC', { country: 'reg-world' }],
  ])('%s (%s), sorted by %s: %o', async (list, whereType, sort, where) => {
    const anchored = await walk(list, whereType, sort, where);
    const tested = await walk(list, whereType, sort, { AND: [where] });
    expect(anchored.seen.length).toBeGreaterThan(0);
    expect(anchored.seen).toHaveLength(anchored.total);
    expect(anchored).toEqual(tested);
  });
});
