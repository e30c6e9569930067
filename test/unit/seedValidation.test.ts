import { readSeed } from '../../src/import/seed';
import { SeedValidationError, validateSeed, type RawSeed } from '../../src/domain/validate';

const source = { file: 'sources.json', index: 1, data: { id: 's1', title: 'A report' } };
const deposit = (data: Record<string, unknown>, index = 1) => ({
  file: 'nodes/Deposit.json',
  index,
  data: { id: 'dep-a', name: 'A', commodity: 'Nb', status: 'operating', sources: ['s1'], ...data },
});

function problems(raw: RawSeed): readonly string[] {
  try {
    validateSeed(raw);
  } catch (error) {
    if (error instanceof SeedValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateSeed', () => {
  it('accepts the shipped seed graph', () => {
    const seed = validateSeed(readSeed());
    expect(seed.nodes.length).toBeGreaterThan(250);
    expect(seed.relationships.length).toBeGreaterThan(600);
    expect(seed.nodes.filter((n) => n.label === 'Element').map((n) => n.props.symbol)).toEqual(
      expect.arrayContaining(['Sc', 'Y', 'La', 'Lu', 'Nd', 'Li', 'Nb', 'Ta', 'Fe', 'B', 'Co']),
    );
  });

  it('names file and record of a dangling reference', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Deposit', records: [deposit({})] }],
      relationships: [{ type: 'LOCATED_IN', records: [{ file: 'relationships/LOCATED_IN.json', index: 3, data: { from: 'dep-a', to: 'reg-nowhere', sources: ['s1'] } }] }],
    });
    expect(found).toEqual(['relationships/LOCATED_IN.json record 3: "to" refers to unknown id "reg-nowhere"']);
  });

  it('reports duplicate ids, unknown labels and types, bad years, missing and unknown sources', () => {
    const found = problems({
      sources: [source],
      nodes: [
        { label: 'Deposit', records: [deposit({}), deposit({ sources: [] }, 2)] },
        { label: 'Facility', records: [{ file: 'nodes/Facility.json', index: 1, data: { id: 'fac-a', name: 'F', kind: 'mine', status: 'planned', startYear: 3030, sources: ['nope'] } }] },
        { label: 'Planet', records: [{ file: 'nodes/Planet.json', index: 1, data: {} }] },
      ],
      relationships: [{ type: 'ORBITS', records: [{ file: 'relationships/ORBITS.json', index: 1, data: {} }] }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/nodes\/Deposit.json record 2 \(dep-a\): sources: at least one source/),
        expect.stringMatching(/nodes\/Facility.json record 1 \(fac-a\): startYear: a year up to 2100/),
        'nodes/Planet.json: unknown node label "Planet"',
        'relationships/ORBITS.json: unknown relationship type "ORBITS"',
      ]),
    );
    const withDuplicate = problems({ sources: [source], nodes: [{ label: 'Deposit', records: [deposit({}), deposit({}, 2)] }], relationships: [] });
    expect(withDuplicate).toEqual(['nodes/Deposit.json record 2 (dep-a): duplicate id "dep-a"']);
  });

  it('refuses relationships between the wrong kinds and inferred links without a reason', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Deposit', records: [deposit({}), deposit({ id: 'dep-b' }, 2)] }],
      relationships: [
        { type: 'OPERATES', records: [{ file: 'r.json', index: 1, data: { from: 'dep-a', to: 'dep-b', sources: ['s1'] } }] },
        { type: 'FEEDS', records: [{ file: 'f.json', index: 1, data: { from: 'dep-a', to: 'dep-b', confidence: 'inferred', sources: ['s1'] } }] },
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'r.json record 1: OPERATES may not join Deposit "dep-a" to Deposit "dep-b"',
        expect.stringMatching(/f.json record 1: inferredFrom: an inferred relationship needs inferredFrom/),
      ]),
    );
  });
});
