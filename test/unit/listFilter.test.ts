import { AppError, BadUserInputError } from '../../src/errors';
import { ALL_STAGES, LIST_SPECS, buildListQuery, type ListQuery, type ListSpec } from '../../src/db/queries/lists';

/**
 * The filter compiler of the root lists (db/queries/lists.ts): the exact page and count Cypher and the
 * parameters for representative `where` inputs (__snapshots__/listFilter.test.ts.snap), and the rule
 * that a client's values reach the database only as parameters.
 */

const HOSTILE = "x') DETACH DELETE n //";
const BY_NAME = { field: 'NAME', descending: false };

/** Every string a `where` holds, at any depth. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The `$names` a statement reads. */
const paramsRead = (cypher: string) => new Set([...cypher.matchAll(/\$(\w+)/g)].map((m) => m[1] ?? ''));

/** Values travel as parameters: no client string in the text, every parameter read, nothing read that is not given (but `$limit`). */
function expectParameterised(query: ListQuery, where: unknown): void {
  for (const text of stringsIn(where)) {
    expect(query.pageCypher).not.toContain(text);
    expect(query.countCypher).not.toContain(text);
  }
  expect(query.pageCypher).not.toMatch(/DETACH|DELETE/i);
  const read = paramsRead(query.pageCypher);
  expect([...read].sort()).toEqual([...Object.keys(query.params), 'limit'].sort());
  expect([...paramsRead(query.countCypher)].every((name) => name in query.params)).toBe(true);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const CASES: readonly { title: string; spec: ListSpec; where: Record<string, unknown> | null; sort?: { field: string; descending: boolean }; after?: { key: string | number; id: string } }[] = [
  { title: 'no filter', spec: LIST_SPECS.Facility, where: null },
  { title: 'eq on id', spec: LIST_SPECS.Facility, where: { id: { eq: 'fac-glazov-magnet' } } },
  { title: 'in on id', spec: LIST_SPECS.Deposit, where: { id: { in: ['dep-a', 'dep-b'] } } },
  { title: 'contains and startsWith on name', spec: LIST_SPECS.Company, where: { name: { contains: 'metal', startsWith: 'Sol' } } },
  { title: 'lt and gte on an int', spec: LIST_SPECS.Facility, where: { startYear: { gte: 2000, lt: 2030 } } },
  { title: 'status enum values become stored words', spec: LIST_SPECS.Facility, where: { status: { eq: 'UNDER_CONSTRUCTION', in: ['OPERATING', 'PILOT'] } } },
  { title: 'relationship filter inRegion (facility)', spec: LIST_SPECS.Facility, where: { inRegion: 'reg-russia' } },
  { title: 'relationship filters on elements: enum and boolean', spec: LIST_SPECS.Element, where: { reeClass: 'HEAVY', rareEarth: true } },
  { title: 'relationship filter by symbol', spec: LIST_SPECS.Deposit, where: { element: 'Nd' } },
  {
    title: 'nested AND / OR / NOT',
    spec: LIST_SPECS.Facility,
    where: {
      AND: [{ OR: [{ status: { eq: 'OPERATING' } }, { startYear: { lte: 2010 } }] }, { NOT: { inRegion: 'reg-china' } }],
      name: { contains: 'magnet' },
    },
  },
  { title: 'null and empty parts are no condition', spec: LIST_SPECS.Region, where: { AND: [], OR: null, name: { eq: null }, kind: undefined } },
  { title: 'keyset after, ascending by name', spec: LIST_SPECS.Deposit, where: { status: { eq: 'OPERATING' } }, after: { key: 'Lovozero', id: 'dep-lovozero' } },
  { title: 'descending by a number, with keyset', spec: LIST_SPECS.Facility, where: { kind: { eq: 'magnet plant' } }, sort: { field: 'START_YEAR', descending: true }, after: { key: 2020, id: 'fac-x' } },
  { title: 'descending by name, first page', spec: LIST_SPECS.Product, where: { stage: 'stage-magnet' }, sort: { field: 'NAME', descending: true } },
  {
    title: 'sources: date operators on the ISO text, publisher and title',
    spec: LIST_SPECS.Source,
    where: { date: { startsWith: '2025-09', gte: '2025', lt: '2026' }, publisher: { contains: 'tass' }, title: { in: ['Rare earths in Russia', 'Neo Narva opens'] } },
    sort: { field: 'TITLE', descending: false },
  },
  {
    title: 'sources: cited by an entity or a figure, by date descending with keyset',
    spec: LIST_SPECS.Source,
    where: { OR: [{ cites: 'fac-neo-narva' }, { date: { eq: '2025-09-19' } }] },
    sort: { field: 'DATE', descending: true },
    after: { key: '2025-09-19', id: 'automotiveworld-neo-narva-2025' },
  },
  {
    title: 'figures: reported for a country, by metric and year',
    spec: LIST_SPECS.Figure,
    where: { country: 'country-russia', metric: { eq: 'rare-earth reserves' }, year: { gte: 2023, lt: 2025 } },
    sort: { field: 'YEAR', descending: false },
  },
  {
    title: 'figures: NOT, by metric with keyset',
    spec: LIST_SPECS.Figure,
    where: { NOT: { year: { eq: 2024 } }, id: { in: ['fig-a', 'fig-b'] } },
    sort: { field: 'METRIC', descending: false },
    after: { key: 'rare-earth reserves', id: 'fig-a' },
  },
];

describe('buildListQuery', () => {
  it.each(CASES)('$title', ({ spec, where, sort, after }) => {
    const query = buildListQuery(spec, where, sort ?? BY_NAME, after ?? null);
    expectParameterised(query, where);
    expect(query).toMatchSnapshot();
  });

  it('lists the stages in chain order, with the bound as a parameter', () => {
    expect(ALL_STAGES.cypher).toMatchSnapshot();
    expect([...paramsRead(ALL_STAGES.cypher)]).toEqual(['limit']);
  });

  it('refuses a sort field of another list on sources and figures', () => {
    expect(thrown(() => buildListQuery(LIST_SPECS.Source, null, BY_NAME, null))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Unknown sort field "NAME"' });
    expect(thrown(() => buildListQuery(LIST_SPECS.Figure, { name: { eq: 'a' } }, { field: 'YEAR', descending: false }, null))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Unknown filter field "name"',
    });
  });

  it('converts status enum values, and only those, to stored words', () => {
    const { params } = buildListQuery(LIST_SPECS.Facility, { status: { in: ['UNDER_CONSTRUCTION'] }, kind: { eq: 'MAGNET_PLANT' } }, BY_NAME, null);
    expect(Object.values(params)).toEqual([['under-construction'], 'MAGNET_PLANT']);
  });

  it('numbers parameters in order and keeps AND/OR/NOT structure', () => {
    const query = buildListQuery(LIST_SPECS.Deposit, { OR: [{ name: { eq: 'a' } }, { NOT: { name: { eq: 'b' } } }] }, BY_NAME, null);
    expect(query.countCypher).toBe('MATCH (n:Deposit) WHERE ((n.name = $f0 OR NOT (n.name = $f1))) RETURN count(n) AS total');
    expect(query.params).toEqual({ f0: 'a', f1: 'b' });
  });

  it('passes the keyset position as parameters, comparing the opposite way when descending', () => {
    const asc = buildListQuery(LIST_SPECS.Facility, null, { field: 'NAME', descending: false }, { key: 'Glazov', id: 'fac-g' });
    const desc = buildListQuery(LIST_SPECS.Facility, null, { field: 'NAME', descending: true }, { key: 'Glazov', id: 'fac-g' });
    expect(asc.params).toEqual({ afterKey: 'Glazov', afterId: 'fac-g' });
    // A name every facility has sorts as stored (index order), the rest of the cursor's name and the names
    // after it each sought apart; START_YEAR, which some lack, reads those having it the same way.
    expect(asc.pageCypher).toContain('n.name = $afterKey AND n.id > $afterId');
    expect(asc.pageCypher).toContain('n.name > $afterKey\n');
    expect(asc.pageCypher).toContain('ORDER BY sortKey ASC, n.id ASC');
    expect(desc.pageCypher).toContain('n.name = $afterKey AND n.id < $afterId');
    expect(desc.pageCypher).toContain('n.name < $afterKey\n');
    const byYear = buildListQuery(LIST_SPECS.Facility, null, { field: 'START_YEAR', descending: false }, { key: 2020, id: 'fac-g' });
    expect(byYear.pageCypher).toContain('n.startYear = $afterKey AND n.id > $afterId');
    expect(byYear.pageCypher).toContain('n.startYear > $afterKey AND n.id IS NOT NULL');
    expect(byYear.pageCypher).toContain('coalesce(n.startYear, -1) AS sortKey ORDER BY sortKey ASC, n.id ASC');
    expect(desc.pageCypher).toContain('ORDER BY sortKey DESC, n.id DESC');
    expect(asc.countCypher).not.toContain('afterKey');
  });

  describe('hostile values never reach the Cypher text', () => {
    const lists = Object.entries(LIST_SPECS) as [string, ListSpec][];
    const operators = { id: ['eq', 'in'], string: ['eq', 'in', 'contains', 'startsWith'], int: ['eq', 'in', 'lt', 'lte', 'gt', 'gte'], status: ['eq', 'in'], date: ['eq', 'startsWith', 'lt', 'gte'] } as const;

    it.each(lists)('%s: every field and operator, every relationship filter', (_name, spec) => {
      for (const [field, { kind }] of Object.entries(spec.fields)) {
        for (const op of operators[kind]) {
          const where = { [field]: { [op]: op === 'in' ? [HOSTILE, 'zz-other'] : HOSTILE } };
          const query = buildListQuery(spec, where, { field: spec.defaultSort, descending: false }, { key: HOSTILE, id: HOSTILE });
          expectParameterised(query, where);
          expect(JSON.stringify(query.params)).toContain(kind === 'status' ? "x') detach delete n //" : HOSTILE);
        }
      }
      for (const relation of Object.keys(spec.relations)) {
        const where = { OR: [{ [relation]: HOSTILE }, { NOT: { [relation]: HOSTILE } }] };
        const query = buildListQuery(spec, where, { field: spec.defaultSort, descending: true }, null);
        expectParameterised(query, where);
        expect(Object.values(query.params)).toEqual([HOSTILE, HOSTILE]);
      }
    });
  });

  describe('refuses bad filters with BAD_USER_INPUT', () => {
    const nest = (levels: number): Record<string, unknown> => (levels === 0 ? { name: { eq: 'a' } } : { NOT: nest(levels - 1) });

    it('nesting deeper than 5 levels', () => {
      expect(() => buildListQuery(LIST_SPECS.Region, nest(5), BY_NAME, null)).not.toThrow();
      const error = thrown(() => buildListQuery(LIST_SPECS.Region, nest(6), BY_NAME, null));
      expect(error).toBeInstanceOf(BadUserInputError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'where' }, message: '"where" may nest AND/OR/NOT at most 5 deep' });
      const viaAnd = thrown(() => buildListQuery(LIST_SPECS.Region, { AND: [{ OR: [{ AND: [{ OR: [{ AND: [{ OR: [{ id: { eq: 'a' } }] }] }] }] }] }] }, BY_NAME, null));
      expect(viaAnd).toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('an unknown field (a property of another list is unknown too)', () => {
      const error = thrown(() => buildListQuery(LIST_SPECS.Region, { startYear: { eq: 2000 } }, BY_NAME, null));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'where' }, message: 'Unknown filter field "startYear"' });
    });

    it('an unknown operator', () => {
      expect(thrown(() => buildListQuery(LIST_SPECS.Region, { name: { like: '%a%' } }, BY_NAME, null))).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: 'Unknown operator "like" on "where.name"',
      });
    });

    it('more than 100 `in` values', () => {
      const values = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
      expect(buildListQuery(LIST_SPECS.Deposit, { id: { in: values(100) } }, BY_NAME, null).params).toEqual({ f0: values(100) });
      const error = thrown(() => buildListQuery(LIST_SPECS.Deposit, { id: { in: values(101) } }, BY_NAME, null));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'where' }, message: '"where.id.in" takes at most 100 values' });
    });

    it('an unknown sort field, naming `sort`', () => {
      expect(thrown(() => buildListQuery(LIST_SPECS.Region, null, { field: 'CAPACITY', descending: false }, null))).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { argument: 'sort' },
      });
    });
  });
});
