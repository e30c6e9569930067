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

describe('provenance rules (named in every message, with file and record)', () => {
  const company = (data: Record<string, unknown>, index = 1) => ({
    file: 'nodes/Company.json',
    index,
    data: { id: 'co-a', name: 'Alpha Mining', kind: 'company', sources: ['s1'], ...data },
  });
  const seedText = { file: 'sources.json', index: 2, data: { id: 'seed-text-1', title: 'The seed text' } };

  it('alias-generic: an alias that is a generic word', () => {
    const found = problems({ sources: [source], nodes: [{ label: 'Company', records: [company({ aliases: ['Alpha', 'Group'] })] }], relationships: [] });
    expect(found).toEqual(['nodes/Company.json record 1 (co-a): aliases: "Group" is a generic word, not a name (rule alias-generic)']);
  });

  it('alias-unique: an alias that is another entity’s name or alias, whatever its case', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Company', records: [company({ aliases: ['ALPHA'] }), company({ id: 'co-b', name: 'Beta', aliases: ['Alpha Mining'] }, 2), company({ id: 'co-c', name: 'Gamma', aliases: ['alpha'] }, 3)] }],
      relationships: [],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'nodes/Company.json record 2 (co-b): aliases: alias "Alpha Mining" also names "co-a" (rule alias-unique)',
        'nodes/Company.json record 1 (co-a): aliases: alias "ALPHA" also names "co-c" (rule alias-unique)',
        'nodes/Company.json record 3 (co-c): aliases: alias "alpha" also names "co-a" (rule alias-unique)',
      ]),
    );
  });

  it('link-certainty: a link more certain than its least certain end', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Company', records: [company({}), company({ id: 'co-b', name: 'Beta', confidence: 'unconfirmed' }, 2)] }],
      relationships: [{ type: 'OWNS', file: 'relationships/OWNS.json', records: [{ file: 'relationships/OWNS.json', index: 4, data: { from: 'co-a', to: 'co-b', confidence: 'inferred', inferredFrom: 'a filing', sources: ['s1'] } }] }],
    });
    expect(found).toEqual([
      'relationships/OWNS.json record 4: confidence: an inferred link to "co-b", which is unconfirmed: a link is never more certain than its least certain end (rule link-certainty)',
    ]);
  });

  it('seed-only: a record only the seed texts state must be unconfirmed (entities and links)', () => {
    const found = problems({
      sources: [source, seedText],
      nodes: [{ label: 'Company', records: [company({ sources: ['seed-text-1'] }), company({ id: 'co-b', name: 'Beta', confidence: 'unconfirmed', sources: ['seed-text-1'] }, 2)] }],
      relationships: [{ type: 'OWNS', records: [{ file: 'relationships/OWNS.json', index: 1, data: { from: 'co-b', to: 'co-a', confidence: 'unconfirmed', sources: ['seed-text-1'] } }] }],
    });
    expect(found).toEqual(['nodes/Company.json record 1 (co-a): confidence: only the project\'s seed texts state this, so it is unconfirmed, not stated (rule seed-only)']);
  });

  it('share-number: a share is a number from 0 to 100, its wording goes in note', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Company', records: [company({}), company({ id: 'co-b', name: 'Beta' }, 2)] }],
      relationships: [{ type: 'OWNS', records: [{ file: 'relationships/OWNS.json', index: 2, data: { from: 'co-a', to: 'co-b', sharePct: '75% minus one share', sources: ['s1'] } }] }],
    });
    expect(found).toEqual(['relationships/OWNS.json record 2: sharePct: a percentage from 0 to 100, with any wording in "note" (got "75% minus one share") (rule share-number)']);
  });

  it("figure-citation: a figure cites the publications that give its value, not its country's whole list", () => {
    const figure = (index: number, sources: string[]) => ({ file: 'nodes/Figure.json', index, data: { id: `fig-${index}`, metric: 'reserves', value: 1, unit: 't', sources } });
    const many = ['s1', 's2', 's3', 's4', 's5'];
    const found = problems({
      sources: [source, seedText, ...many.slice(1).map((id, i) => ({ file: 'sources.json', index: i + 3, data: { id, title: id } }))],
      nodes: [{ label: 'Figure', records: [figure(1, many), figure(2, ['s1', 'seed-text-1']), figure(3, ['s1', 's2', 's3', 's4'])] }],
      relationships: [],
    });
    expect(found).toEqual([
      'nodes/Figure.json record 1 (fig-1): sources: a figure cites the publication and edition that give its value and at most 3 reports of it, not 5 sources (rule figure-citation)',
      'nodes/Figure.json record 2 (fig-2): sources: a figure cites the publications that give its value; the seed text "seed-text-1" next to them does not (rule figure-citation)',
    ]);
  });

  it('every record has a confidence: figures too (stated unless said)', () => {
    const seed = validateSeed({
      sources: [source],
      nodes: [{ label: 'Figure', records: [{ file: 'nodes/Figure.json', index: 1, data: { id: 'fig-a', metric: 'reserves', value: 1, unit: 't', sources: ['s1'] } }] }],
      relationships: [],
    });
    expect(seed.nodes[0]?.props.confidence).toBe('stated');
  });
});

describe('material rules (named in every message, with file and record)', () => {
  const facility = (id: string, index: number) => ({ file: 'nodes/Facility.json', index, data: { id, name: id, kind: 'plant', status: 'operating', sources: ['s1'] } });
  const product = (id: string, index: number) => ({ file: 'nodes/Product.json', index, data: { id, name: id, kind: 'metal', sources: ['s1'] } });
  const link = (file: string, index: number, data: Record<string, unknown>) => ({ file, index, data: { sources: ['s1'], ...data } });
  const base = {
    sources: [source],
    nodes: [
      { label: 'Facility', records: [facility('fac-a', 1), facility('fac-b', 2)] },
      { label: 'Product', records: [product('prod-x', 1), product('prod-y', 2)] },
      { label: 'SupplyChainStage', records: [{ file: 'nodes/SupplyChainStage.json', index: 1, data: { id: 'stage-s', name: 'S', order: 1, sources: ['s1'] } }] },
    ],
  };

  it('flow-product: a flow between facilities names the product it carries, and it is a Product', () => {
    const found = problems({
      ...base,
      relationships: [
        { type: 'FEEDS', records: [link('relationships/FEEDS.json', 1, { from: 'fac-a', to: 'fac-b' }), link('relationships/FEEDS.json', 2, { from: 'fac-b', to: 'fac-a', product: 'fac-a' })] },
      ],
    });
    expect(found).toEqual([
      'relationships/FEEDS.json record 1: product: a FEEDS link between facilities names the product it carries in "product" (a Product id) (rule flow-product)',
      'relationships/FEEDS.json record 2: product: "fac-a" is not a Product (it is of kind Facility)',
    ]);
  });

  it('bill-of-materials: every required input is something the facility receives', () => {
    const found = problems({
      ...base,
      relationships: [
        { type: 'FEEDS', records: [link('relationships/FEEDS.json', 1, { from: 'fac-a', to: 'fac-b', product: 'prod-x' })] },
        { type: 'PRODUCES', records: [link('relationships/PRODUCES.json', 1, { from: 'fac-b', to: 'prod-y', requires: ['prod-x', 'prod-y|prod-x'] }), link('relationships/PRODUCES.json', 2, { from: 'fac-a', to: 'prod-x', requires: ['prod-y'] })] },
      ],
    });
    expect(found).toEqual([
      'relationships/PRODUCES.json record 1: requires: requires "prod-y", which is not an input of the facility: no flow names it and it is not CONSUMED_BY the facility (rule bill-of-materials)',
      'relationships/PRODUCES.json record 2: requires: requires "prod-y", which is not an input of the facility: no flow names it and it is not CONSUMED_BY the facility (rule bill-of-materials)',
    ]);
  });

  it('stage-commodity: AT_STAGE names the commodity families, from the known list', () => {
    const found = problems({
      ...base,
      relationships: [
        { type: 'AT_STAGE', records: [link('relationships/AT_STAGE.json', 1, { from: 'fac-a', to: 'stage-s' }), link('relationships/AT_STAGE.json', 2, { from: 'fac-b', to: 'stage-s', commodities: ['rare earths', 'unobtanium'] }), link('relationships/AT_STAGE.json', 3, { from: 'prod-x', to: 'stage-s', commodities: ['lithium'] })] },
      ],
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toBe('relationships/AT_STAGE.json record 1: commodities: AT_STAGE names the commodity families the entity works on at that stage in "commodities" (rule stage-commodity)');
    expect(found[1]).toMatch(/^relationships\/AT_STAGE.json record 2: commodities.1: Invalid option/);
  });
});

describe('redirect-unique', () => {
  const company = (data: Record<string, unknown>, index: number) => ({ file: 'nodes/Company.json', index, data: { kind: 'company', sources: ['s1'], ...data } });
  it('a former id names one entity and is no entity’s current id', () => {
    const found = problems({
      sources: [source],
      nodes: [{ label: 'Company', records: [company({ id: 'co-a', name: 'A', formerIds: ['co-old', 'co-b'] }, 1), company({ id: 'co-b', name: 'B', formerIds: ['co-old'] }, 2)] }],
      relationships: [],
    });
    expect(found).toEqual([
      'nodes/Company.json record 1 (co-a): formerIds: "co-b" is the id of an entity, so it cannot redirect to "co-a" (rule redirect-unique)',
      'nodes/Company.json record 2 (co-b): formerIds: "co-old" already redirects to "co-a" (rule redirect-unique)',
    ]);
  });
});
