import type { TransactionRunner } from '../../src/db/executor';
import { checkEndpoints, entityWrite, figureWrite, linkWrite, sourcesWrite } from '../../src/curation/inputs';
import { toStoredProps, type RawSeed } from '../../src/domain/validate';
import { ImportRefusedError, planImport, rawSeedOf, writePlan } from '../../src/import/importer';
import { InvalidInputError, type FieldProblem } from '../../src/errors';
import type { LinkInput, SourceInput } from '../../src/generated/graphql';

/**
 * The write planners, without a database: what the bulk import (`planImport`, `writePlan`) and the
 * curation mutations (`entityWrite`, `linkWrite`, `figureWrite`, `sourcesWrite`) would store, and what
 * they refuse, naming where (import: file, line, field; mutation: the input field).
 */

const record = (file: string, index: number, data: unknown, line?: number) => ({ file, index, data, ...(line === undefined ? {} : { line }) });

const SEED: RawSeed = {
  sources: [record('sources.json', 1, { id: 's1', title: 'Annual report', publisher: 'Mining Co', date: '2024-05', url: 'https://example.org/r' })],
  nodes: [
    { label: 'Deposit', records: [record('nodes/Deposit.json', 1, { id: 'dep-a', name: 'Deposit A', commodity: 'REE', status: 'operating', sources: ['s1'] })] },
    {
      label: 'Facility',
      records: [
        record(
          'nodes/Facility.csv',
          1,
          {
            id: 'fac-b',
            name: 'Plant B',
            aliases: ['PB', 'B plant'],
            kind: 'separation plant',
            status: 'under-construction',
            startYear: 2027,
            capacity: { value: 2500, unit: 't/yr' },
            details: { investor: 'Fund', jobs: 300 },
            sources: ['s1'],
          },
          3,
        ),
      ],
    },
    { label: 'Element', records: [record('nodes/Element.json', 1, { id: 'el-nd', name: 'Neodymium', symbol: 'Nd', atomicNumber: 60, group: 'rare earth element', sources: ['s1'] })] },
  ],
  relationships: [
    {
      type: 'FEEDS',
      records: [
        record('relationships/FEEDS.json', 1, { from: 'dep-a', to: 'fac-b', material: 'concentrate', sources: ['s1'] }),
        record('relationships/FEEDS.json', 2, { from: 'dep-a', to: 'fac-b', status: 'planned', startYear: 2028, sources: ['s1'] }),
      ],
    },
    { type: 'CONTAINS', records: [record('relationships/CONTAINS.json', 1, { from: 'dep-a', to: 'el-nd', key: 'CONTAINS:main', sources: ['s1'] })] },
  ],
};

describe('planImport', () => {
  const plan = planImport(SEED);

  it('accepts a valid seed and counts what it would write', () => {
    expect(plan.problems).toEqual([]);
    expect(plan.counts).toEqual({ sources: 1, nodes: 3, relationships: 3 });
    expect(plan.total).toBe(7);
  });

  it('plans nodes in their stored form: defaults filled, capacity and details flattened, aliases searchable', () => {
    const facility = plan.seed.nodes.find((n) => n.id === 'fac-b');
    expect(facility).toEqual({
      label: 'Facility',
      id: 'fac-b',
      sources: ['s1'],
      props: {
        id: 'fac-b',
        name: 'Plant B',
        kind: 'separation plant',
        status: 'under-construction',
        startYear: 2027,
        confidence: 'stated',
        aliases: ['PB', 'B plant'],
        aliasesText: 'PB | B plant',
        detailsJson: '{"investor":"Fund","jobs":300}',
        capacityValue: 2500,
        capacityUnit: 't/yr',
      },
    });
    expect(plan.seed.nodes.find((n) => n.id === 'el-nd')?.props).toMatchObject({ symbol: 'Nd', symbolUpper: 'ND', magnetInput: false, aliases: [], aliasesText: '', detailsJson: '{}' });
  });

  it('derives relationship keys TYPE:from->to, #2 for a repeat between the same ends, and keeps a given key', () => {
    expect(plan.seed.relationships.map((r) => [r.type, r.key])).toEqual([
      ['FEEDS', 'FEEDS:dep-a->fac-b'],
      ['FEEDS', 'FEEDS:dep-a->fac-b#2'],
      ['CONTAINS', 'CONTAINS:main'],
    ]);
    expect(plan.seed.relationships[1]).toEqual({
      type: 'FEEDS',
      from: 'dep-a',
      to: 'fac-b',
      key: 'FEEDS:dep-a->fac-b#2',
      props: { confidence: 'stated', status: 'planned', startYear: 2028 },
      sources: ['s1'],
    });
  });

  it('names file, line (the CSV line, else the record number) and field of every problem', () => {
    const bad: RawSeed = {
      sources: [record('sources.json', 1, { id: 's1', title: 'A' }), record('sources.json', 2, { id: 'S 2', title: 'B', date: '5 May 2024', url: 'ftp://x' })],
      nodes: [
        { label: 'Deposit', records: [record('nodes/Deposit.csv', 1, { id: 'dep-a', commodity: 'REE', status: 'OPERATING', sources: ['s1'] }, 7)] },
        { label: 'Facility', records: [record('nodes/Facility.json', 1, { id: 'fac-b', name: 'B', kind: 'mine', status: 'operating', sources: ['nope'] })] },
        { label: 'Region', records: [record('nodes/Region.json', 1, { id: 'reg-r', name: 'R', kind: 'country', sources: ['s1'] })] },
        { label: 'Planet', file: 'nodes/Planet.json', records: [] },
      ],
      relationships: [
        {
          type: 'FEEDS',
          records: [
            record('relationships/FEEDS.json', 1, { from: 'fac-b', to: 'dep-x', sources: ['s1'] }),
            record('relationships/FEEDS.json', 2, { from: 'fac-b', to: 'reg-r', status: 'closed', sources: ['s1'] }),
          ],
        },
      ],
    };
    const { problems, counts } = planImport(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: 'sources.json', line: 2, field: 'id', reason: 'an id of lower-case letters, digits, dots and dashes' },
        { file: 'sources.json', line: 2, field: 'date', reason: 'expected YYYY, YYYY-MM or YYYY-MM-DD' },
        { file: 'sources.json', line: 2, field: 'url', reason: 'expected an http(s) URL' },
        { file: 'nodes/Deposit.csv', line: 7, field: 'name', reason: 'required' },
        { file: 'nodes/Deposit.csv', line: 7, field: 'status', reason: expect.stringContaining('"under-construction"') },
        { file: 'nodes/Facility.json', line: 1, field: 'sources', reason: 'cites unknown source "nope"' },
        { file: 'nodes/Planet.json', line: 0, field: null, reason: expect.stringMatching(/^unknown node label "Planet"/) },
        { file: 'relationships/FEEDS.json', line: 1, field: 'to', reason: 'refers to unknown id "dep-x"' },
        { file: 'relationships/FEEDS.json', line: 2, field: 'to', reason: 'FEEDS may not join Facility "fac-b" to Region "reg-r"' },
        { file: 'relationships/FEEDS.json', line: 2, field: 'status', reason: expect.stringMatching(/^expected one of operating, planned, .*\(got "closed"\)$/) },
      ]),
    );
    expect(problems).toHaveLength(10);
    expect(counts).toEqual({ sources: 1, nodes: 1, relationships: 0 });
  });

  it('accepts references to ids the database holds, refuses one it holds with another label', () => {
    const known = { nodes: new Map([['reg-ru', 'Region' as const], ['fac-old', 'Deposit' as const]]), sources: new Set(['s-db']) };
    const { problems, seed } = planImport(
      rawSeedOf({
        nodes: [{ label: 'Facility', records: [{ id: 'fac-old', name: 'Old', kind: 'mine', status: 'historical', sources: ['s-db'] }] }],
        relationships: [{ type: 'LOCATED_IN', records: [{ from: 'fac-old', to: 'reg-ru', sources: ['s-db'] }] }],
      }),
      known,
    );
    expect(problems).toEqual([{ file: 'nodes[0]', line: 1, field: 'id', reason: '"fac-old" is a Deposit in the database, not a Facility' }]);
    expect(seed.relationships.map((r) => r.key)).toEqual(['LOCATED_IN:fac-old->reg-ru']);
  });
});

describe('writePlan', () => {
  /**
   * A transaction that records what it is asked to run and answers as if every row was written; the
   * nodes whose ids are in `stored` were there before it (the node statements report the others created).
   */
  function recordingTransaction(stored: readonly string[] = []) {
    const runs: { name: string; rows: readonly Record<string, unknown>[] }[] = [];
    const run = async (query: { name: string }, params: Record<string, unknown> = {}) => {
      const rows = params.rows as Record<string, unknown>[];
      runs.push({ name: query.name, rows });
      if (query.name === 'write.sources') return [{ written: rows.length }];
      return rows.map((row) => ({ labels: [], props: row.props, created: !stored.includes(String(row.id)) }));
    };
    // writePlan only calls `run`.
    return { tx: { run } as unknown as TransactionRunner, runs };
  }

  it('writes sources, then entities (all labels in one statement), then the relationships at new entities in one CREATE, each row in its stored form', async () => {
    const { tx, runs } = recordingTransaction();
    const plan = planImport(SEED);
    expect(await writePlan(tx, plan)).toEqual({ sources: 1, nodes: 3, relationships: 3 });
    expect(runs.map((r) => [r.name, r.rows.length])).toEqual([
      ['write.sources', 1],
      ['write.entities', 3],
      ['write.relationships.new', 3],
    ]);
    expect(runs[0]!.rows).toEqual([{ id: 's1', props: expect.objectContaining({ title: 'Annual report', publisher: 'Mining Co', date: '2024-05', url: 'https://example.org/r' }) }]);
    expect(runs[1]!.rows.map((row) => row.label)).toEqual(['Element', 'Deposit', 'Facility']);
    expect(runs[1]!.rows[1]).toEqual({
      id: 'dep-a',
      label: 'Deposit',
      props: { ...toStoredProps('Deposit', { id: 'dep-a', name: 'Deposit A', commodity: 'REE', status: 'operating', confidence: 'stated', aliases: [] }), sourceIds: ['s1'] },
    });
    expect(runs[2]!.rows[1]).toEqual({
      type: 'FEEDS',
      from: 'dep-a',
      to: 'fac-b',
      key: 'FEEDS:dep-a->fac-b#2',
      props: { confidence: 'stated', status: 'planned', startYear: 2028, key: 'FEEDS:dep-a->fac-b#2', sourceIds: ['s1'] },
    });
  });

  it('MERGEs by type the relationships whose ends were both stored before the transaction, and CREATEs the others', async () => {
    const both = recordingTransaction(['dep-a', 'fac-b', 'el-nd']);
    await writePlan(both.tx, planImport(SEED));
    expect(both.runs.slice(2).map((r) => [r.name, r.rows.length])).toEqual([
      ['write.relationships.FEEDS', 2],
      ['write.relationships.CONTAINS', 1],
    ]);
    // el-nd is new: CONTAINS dep-a -> el-nd cannot exist yet; the FEEDS between stored ends may.
    const one = recordingTransaction(['dep-a', 'fac-b']);
    await writePlan(one.tx, planImport(SEED));
    expect(one.runs.slice(2).map((r) => [r.name, r.rows.map((row) => row.key)])).toEqual([
      ['write.relationships.new', ['CONTAINS:main']],
      ['write.relationships.FEEDS', ['FEEDS:dep-a->fac-b', 'FEEDS:dep-a->fac-b#2']],
    ]);
  });

  it('cuts statements into chunks of at most chunkSize rows', async () => {
    const { tx, runs } = recordingTransaction(['dep-a', 'fac-b', 'el-nd']);
    await writePlan(tx, planImport(SEED), { chunkSize: 1 });
    expect(runs.every((r) => r.rows.length === 1)).toBe(true);
    expect(runs.filter((r) => r.name === 'write.relationships.FEEDS')).toHaveLength(2);
  });

  it('refuses a plan with problems and runs nothing', async () => {
    const { tx, runs } = recordingTransaction();
    const plan = planImport({ sources: [], nodes: [{ label: 'Deposit', records: [record('d.json', 1, { id: 'dep-a' })] }], relationships: [] });
    await expect(writePlan(tx, plan)).rejects.toBeInstanceOf(ImportRefusedError);
    expect(runs).toEqual([]);
  });

  it('refuses to drop rows: a statement that wrote fewer rows than it was sent fails the transaction', async () => {
    const run = async (query: { name: string }) => (query.name === 'write.sources' ? [{ written: 1 }] : []);
    const tx = { run } as unknown as TransactionRunner; // writePlan only calls `run`
    await expect(writePlan(tx, planImport(SEED))).rejects.toThrow('write.entities: wrote 0 of 3 rows');
  });
});

/** The problems of an InvalidInputError thrown by `f` (fails the test if `f` does not throw one). */
function problemsOf(f: () => unknown): readonly FieldProblem[] {
  try {
    f();
  } catch (error) {
    if (error instanceof InvalidInputError) {
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({ field: error.problems[0]?.field ?? null, problems: error.problems });
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}
const fields = (problems: readonly FieldProblem[]) => problems.map((p) => p.field);

describe('entityWrite', () => {
  const created = entityWrite(
    'Facility',
    null,
    {
      id: 'fac-new',
      name: 'New plant',
      kind: 'magnet plant',
      status: 'UNDER_CONSTRUCTION',
      capacity: { value: 100, unit: 't/yr' },
      details: [{ key: 'investor', value: 'Fund' }],
      aliases: ['NP'],
      confidence: null,
    },
    ['s1'],
  );

  it('stores a new entity: enum words lower-cased, capacity and details flattened, sources cited', () => {
    expect(created).toEqual({
      sourceIds: ['s1'],
      props: {
        id: 'fac-new',
        name: 'New plant',
        kind: 'magnet plant',
        status: 'under-construction',
        confidence: 'stated',
        aliases: ['NP'],
        aliasesText: 'NP',
        detailsJson: '{"investor":"Fund"}',
        capacityValue: 100,
        capacityUnit: 't/yr',
        sourceIds: ['s1'],
      },
    });
  });

  it('updates the stored state: absent keeps, null clears, given replaces, sources merge without repeats', () => {
    const updated = entityWrite('Facility', created.props, { id: 'fac-new', statusNote: 'delayed', capacity: null, status: 'OPERATING' }, ['s2', 's1']);
    expect(updated.sourceIds).toEqual(['s1', 's2']);
    expect(updated.props).toEqual({
      id: 'fac-new',
      name: 'New plant',
      kind: 'magnet plant',
      status: 'operating',
      statusNote: 'delayed',
      confidence: 'stated',
      aliases: ['NP'],
      aliasesText: 'NP',
      detailsJson: '{"investor":"Fund"}',
      sourceIds: ['s1', 's2'],
    });
  });

  it('stores an element with its upper-cased symbol for lookups', () => {
    const element = entityWrite('Element', null, { id: 'el-dy', name: 'Dysprosium', symbol: 'Dy', atomicNumber: 66, group: 'rare earth element', reeClass: 'HEAVY' }, ['s1']);
    expect(element.props).toMatchObject({ symbol: 'Dy', symbolUpper: 'DY', reeClass: 'heavy', magnetInput: false });
  });

  it.each([
    ['an id that is not stable', { id: 'Fac New', name: 'X', kind: 'k', status: 'PLANNED' }, ['input.id']],
    ['an enum word the schema does not know', { id: 'fac-x', name: 'X', kind: 'k', status: 'BROKEN' }, ['input.status']],
    ['a year out of range', { id: 'fac-x', name: 'X', kind: 'k', status: 'PLANNED', startYear: 1700 }, ['input.startYear']],
    ['missing required fields on create', { id: 'fac-x' }, ['input.name', 'input.kind', 'input.status']],
    ['a detail key that is not a property name', { id: 'fac-x', name: 'X', kind: 'k', status: 'PLANNED', details: [{ key: '1 bad', value: 'v' }] }, ['input.details.key']],
  ])('refuses %s, naming the field', (_what, input, expected) => {
    expect(fields(problemsOf(() => entityWrite('Facility', null, input, ['s1'])))).toEqual(expected);
  });
});

describe('linkWrite', () => {
  const input: LinkInput = { type: 'FEEDS', from: 'dep-a', to: 'fac-b', status: 'OPERATING', material: 'ore', properties: [{ key: 'termYears', number: 5 }] };

  it('stores a new link under its derived key, with its properties and sources', () => {
    expect(linkWrite(input, null, ['s1'])).toEqual({
      type: 'FEEDS',
      from: 'dep-a',
      to: 'fac-b',
      key: 'FEEDS:dep-a->fac-b',
      sourceIds: ['s1'],
      confidence: 'stated',
      props: { confidence: 'stated', status: 'operating', material: 'ore', termYears: 5, key: 'FEEDS:dep-a->fac-b', sourceIds: ['s1'] },
    });
  });

  it('updates the stored properties: absent keeps, null clears, sources merge', () => {
    const stored = { confidence: 'stated', status: 'operating', material: 'ore', termYears: 5, key: 'FEEDS:dep-a->fac-b', sourceIds: ['s1'] };
    const next = linkWrite({ type: 'FEEDS', from: 'dep-a', to: 'fac-b', material: null, endYear: 2030 }, stored, ['s2']);
    expect(next.props).toEqual({ confidence: 'stated', status: 'operating', termYears: 5, endYear: 2030, key: 'FEEDS:dep-a->fac-b', sourceIds: ['s1', 's2'] });
  });

  it('refuses bad ids before anything else', () => {
    expect(problemsOf(() => linkWrite({ ...input, from: 'Dep A' }, null, ['s1']))).toEqual([{ field: 'input.from', message: 'an id of lower-case letters, digits, dots and dashes' }]);
    expect(fields(problemsOf(() => linkWrite({ ...input, to: 'x'.repeat(201) }, null, ['s1'])))).toEqual(['input.to']);
  });

  it('reports every other problem at once, each naming its field', () => {
    const problems = problemsOf(() =>
      linkWrite(
        {
          type: 'FEEDS',
          from: 'fac-b',
          to: 'fac-b',
          confidence: 'INFERRED',
          startYear: 2030,
          endYear: 2020,
          properties: [
            { key: 'sources', text: 'forged' },
            { key: 'termYears', text: '5', number: 5 },
          ],
        },
        null,
        ['s1'],
      ),
    );
    expect(fields(problems)).toEqual(['input.to', 'input.properties.0.key', 'input.properties.1', 'input.inferredFrom', 'input.endYear']);
  });

  it('refuses a link status word outside the allow-list', () => {
    expect(fields(problemsOf(() => linkWrite({ ...input, status: 'CLOSED' as LinkInput['status'] }, null, ['s1'])))).toEqual(['input.status']);
  });

  it('checkEndpoints refuses kinds the type may not join and ids with no entity', () => {
    expect(() => checkEndpoints('FEEDS', { id: 'dep-a', label: 'Deposit' }, { id: 'fac-b', label: 'Facility' })).not.toThrow();
    expect(fields(problemsOf(() => checkEndpoints('FEEDS', { id: 'co-a', label: 'Company' }, { id: 'fac-b', label: 'Facility' })))).toEqual(['input.type']);
    expect(fields(problemsOf(() => checkEndpoints('FEEDS', { id: 'x', label: undefined }, { id: 'y', label: undefined })))).toEqual(['input.from', 'input.to']);
  });
});

describe('figureWrite', () => {
  it('stores a figure and the HAS_FIGURE link of its region the way the import does', () => {
    const write = figureWrite(null, { id: 'fig-ru-1', metric: 'reserves', value: 10, unit: 't', year: 2024, region: 'reg-ru' }, 'reg-ru', ['s1']);
    expect(write).toEqual({
      props: { id: 'fig-ru-1', metric: 'reserves', value: 10, unit: 't', year: 2024, confidence: 'stated', sourceIds: ['s1'] },
      linkProps: { confidence: 'stated', key: 'HAS_FIGURE:reg-ru->fig-ru-1', sourceIds: ['s1'] },
    });
    const imported = planImport(
      rawSeedOf({
        sources: [{ id: 's1', title: 'T' }],
        nodes: [
          { label: 'Region', records: [{ id: 'reg-ru', name: 'Russia', kind: 'country', sources: ['s1'] }] },
          { label: 'Figure', records: [{ id: 'fig-ru-1', metric: 'reserves', value: 10, unit: 't', year: 2024, sources: ['s1'] }] },
        ],
        relationships: [{ type: 'HAS_FIGURE', records: [{ from: 'reg-ru', to: 'fig-ru-1', sources: ['s1'] }] }],
      }),
    );
    const link = imported.seed.relationships[0]!;
    expect({ ...link.props, key: link.key, sourceIds: link.sources }).toEqual(write.linkProps);
    const node = imported.seed.nodes.find((n) => n.label === 'Figure')!;
    expect({ ...node.props, sourceIds: node.sources }).toEqual(write.props);
  });

  it('refuses a figure without its value on create', () => {
    expect(fields(problemsOf(() => figureWrite(null, { id: 'fig-x', metric: 'm', unit: 't', region: 'reg-ru' }, 'reg-ru', ['s1'])))).toEqual(['input.value']);
  });
});

describe('sourcesWrite', () => {
  it('splits new or updated sources (with a title) from references (id only), keeping only the fields given', () => {
    const sources: SourceInput[] = [
      { id: 's-new', title: 'Report', url: 'https://example.org/a', date: '2024-05', publisher: null },
      { id: 's-old' },
      { id: 's-new', title: 'Report' },
    ];
    expect(sourcesWrite(sources)).toEqual({
      ids: ['s-new', 's-old'],
      upserts: [
        { id: 's-new', props: { title: 'Report', date: '2024-05', url: 'https://example.org/a' } },
        { id: 's-new', props: { title: 'Report' } },
      ],
      references: ['s-old'],
    });
  });

  it('needs one to twenty sources', () => {
    expect(problemsOf(() => sourcesWrite([]))).toEqual([{ field: 'sources', message: 'every write names at least one source' }]);
    expect(fields(problemsOf(() => sourcesWrite(Array.from({ length: 21 }, (_, i) => ({ id: `s${i}` })))))).toEqual(['sources']);
  });

  it('refuses bad ids, dates and urls, and details without a title, naming each field', () => {
    const problems = problemsOf(() =>
      sourcesWrite([{ id: 'Bad Id', title: 'T' }, { id: 's-b', title: 'T', date: '5 May 2024', url: 'ftp://example.org' }, { id: 's-c', url: 'https://example.org' }]),
    );
    expect(problems).toEqual([
      { field: 'sources.0.id', message: 'an id of lower-case letters, digits, dots and dashes' },
      { field: 'sources.1.date', message: 'expected YYYY, YYYY-MM or YYYY-MM-DD' },
      { field: 'sources.1.url', message: 'expected an http(s) URL' },
      { field: 'sources.2.title', message: 'required when publisher, date, dateNote or url are given' },
    ]);
  });

  it('refuses exactly what the import refuses (one source rule)', () => {
    const cases = [{ id: 'Bad Id' }, { date: '2024-5' }, { url: 'example.org' }, { id: 'ok-id' }];
    for (const change of cases) {
      const source = { id: 'ok-id', title: 'T', ...change };
      const byImport = planImport(rawSeedOf({ sources: [source] })).problems.map((p) => p.field);
      let byMutation: string[] = [];
      try {
        sourcesWrite([source]);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        byMutation = error.problems.map((p) => p.field.replace(/^sources\.0\./, ''));
      }
      expect(byMutation).toEqual(byImport);
    }
  });
});
