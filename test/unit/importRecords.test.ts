import { readCsv } from '../../src/import/csv';
import { contentOf } from '../../src/import/files';
import { planImport, rawSeedOf, recordCount } from '../../src/import/importer';
import { formatProblem } from '../../src/domain/validate';

describe('readCsv', () => {
  it('types cells by the schema, splits lists on |, fills capacity and details, and numbers records by their CSV line', () => {
    const text = [
      'id,name,aliases,kind,status,startYear,capacity.value,capacity.unit,details.investment,details.open,details.note,sources',
      '',
      'fac-a,"Plant A, stage ""one""",A1 | A2,plant,planned,2027,2500,t/yr,7000000000,true,"two',
      'lines",s1|s2',
      'fac-b,Plant B,,mine,operating,,,,,,,s1',
    ].join('\r\n');
    const { records, problems } = readCsv('nodes/Facility.csv', text, { kind: 'nodes', label: 'Facility' });
    expect(problems).toEqual([]);
    expect(records).toEqual([
      {
        file: 'nodes/Facility.csv',
        index: 1,
        line: 3,
        data: {
          id: 'fac-a',
          name: 'Plant A, stage "one"',
          aliases: ['A1', 'A2'],
          kind: 'plant',
          status: 'planned',
          startYear: 2027,
          capacity: { value: 2500, unit: 't/yr' },
          details: { investment: 7000000000, open: true, note: 'two\nlines' },
          sources: ['s1', 's2'],
        },
      },
      { file: 'nodes/Facility.csv', index: 2, line: 5, data: { id: 'fac-b', name: 'Plant B', kind: 'mine', status: 'operating', sources: ['s1'] } },
    ]);
  });

  it('names unknown and missing columns on the header line, and rows with the wrong number of cells', () => {
    const noSources = readCsv('r.csv', 'from,to,material\na,b,ore\n', { kind: 'relationships', type: 'FEEDS' });
    expect(noSources).toEqual({ records: [], problems: [{ file: 'r.csv', line: 1, field: 'sources', reason: 'required column missing' }] });

    const { records, problems } = readCsv('f.csv', 'id,name,kind,status,startyear,capacity,sources\nfac-a,A,plant,planned,2020,5,s1\nfac-b,B\n', { kind: 'nodes', label: 'Facility' });
    expect(problems).toEqual([
      { file: 'f.csv', line: 1, field: 'startyear', reason: expect.stringMatching(/^unknown column \(expected id, name, .*startYear/) },
      { file: 'f.csv', line: 1, field: 'capacity', reason: 'give capacity as capacity.<member> columns' },
      { file: 'f.csv', line: 3, field: null, reason: '2 cells, expected 7 (one per column)' },
    ]);
    expect(records.map((r) => r.data)).toEqual([{ id: 'fac-a', name: 'A', kind: 'plant', status: 'planned', sources: ['s1'] }]);
  });

  it('keeps extra relationship columns as properties, typed by their look', () => {
    const { records } = readCsv('r.csv', 'from,to,sharePct,derived,note,sources\nreg-a,stage-b,91.5,false,IEA 2024,s1\n', { kind: 'relationships', type: 'HAS_SHARE' });
    expect(records[0]?.data).toEqual({ from: 'reg-a', to: 'stage-b', sharePct: 91.5, derived: false, note: 'IEA 2024', sources: ['s1'] });
  });

  it('leaves a cell that is not a number as text, so validation shows it', () => {
    const { records } = readCsv('f.csv', 'id,name,kind,status,startYear,sources\nfac-a,A,plant,planned,20x7,s1\n', { kind: 'nodes', label: 'Facility' });
    const plan = planImport({ sources: [{ file: 's', index: 1, data: { id: 's1', title: 'S' } }], nodes: [{ label: 'Facility', records }], relationships: [] });
    expect(plan.problems.map(formatProblem)).toEqual(['f.csv:2: startYear: expected number, got "20x7"']);
  });
});

describe('contentOf', () => {
  it('tells what a file holds from its name and folder', () => {
    expect(contentOf('x/sources.csv')).toEqual({ kind: 'sources' });
    expect(contentOf('Facility.csv')).toEqual({ kind: 'nodes', label: 'Facility' });
    expect(contentOf('import/nodes/Planet.json')).toEqual({ kind: 'nodes', label: 'Planet' });
    expect(contentOf('FEEDS.json')).toEqual({ kind: 'relationships', type: 'FEEDS' });
    expect(contentOf('notes.csv')).toBeNull();
  });
});

describe('planImport of in-memory records (the importRecords mutation)', () => {
  const records = rawSeedOf({
    sources: [{ id: 'new-source', title: 'A new report' }],
    nodes: [{ label: 'Deposit', records: [{ id: 'dep-new', name: 'New deposit', commodity: 'Nb', status: 'exploration', sources: ['new-source'] }] }],
    relationships: [
      {
        type: 'LOCATED_IN',
        records: [
          { from: 'dep-new', to: 'reg-known', sources: ['known-source'] },
          { from: 'dep-new', to: 'reg-unknown', sources: ['nope'] },
        ],
      },
    ],
  });

  it('accepts references to the records themselves and to ids the database holds, and reports each other one', () => {
    expect(recordCount(records)).toBe(4);
    const plan = planImport(records, { nodes: new Map([['reg-known', 'Region']]), sources: new Set(['known-source']) });
    expect(plan.problems).toEqual([
      { file: 'relationships[0]', line: 2, field: 'to', reason: 'refers to unknown id "reg-unknown"' },
      { file: 'relationships[0]', line: 2, field: 'sources', reason: 'cites unknown source "nope"' },
    ]);
    expect(plan.counts).toEqual({ sources: 1, nodes: 1, relationships: 1 });
  });

  it('refuses an id the database holds with another label, and a label outside the allow-list', () => {
    const plan = planImport(rawSeedOf({ nodes: [{ label: 'Planet', records: [] }, ...[{ label: 'Region', records: [{ id: 'dep-new', name: 'X', kind: 'city', sources: ['s'] }] }]] }), {
      nodes: new Map([['dep-new', 'Deposit']]),
      sources: new Set(['s']),
    });
    expect(plan.problems.map(formatProblem)).toEqual([
      'nodes[0]: unknown node label "Planet" (expected one of Element, Deposit, Region, Company, Facility, Product, SupplyChainStage, Figure)',
      'nodes[1]:1: id: "dep-new" is a Deposit in the database, not a Region',
    ]);
  });
});
