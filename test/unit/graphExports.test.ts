import { csvCell, toCsv } from '../../web/graph/csv';
import { graphCsv, graphExport, fileName, sharesCsv, type ShareBreakdown } from '../../web/graph/exports';
import { SupplyGraph } from '../../web/graph/model';

/** The /graph page's exports (web/graph/csv.ts, exports.ts): CSV escaping and the rows of what is drawn. */
describe('CSV cells', () => {
  it('are quoted when they hold a quote, a comma or a line break, with quotes doubled', () => {
    expect(csvCell('Solikamsk')).toBe('Solikamsk');
    expect(csvCell('magnets, alloys')).toBe('"magnets, alloys"');
    expect(csvCell('the "pilot" line')).toBe('"the ""pilot"" line"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvCell('"')).toBe('""""');
  });

  it('write numbers and yes/no as they are, null as an empty cell', () => {
    expect([csvCell(91), csvCell(-2.5), csvCell(false), csvCell(null), csvCell('')]).toEqual(['91', '-2.5', 'false', '', '']);
  });

  it('keep a spreadsheet from running text as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(['+1', '-1', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tx"]);
  });

  it('make rows with CRLF line ends, a trailing one included', () => {
    expect(toCsv(['a', 'b'], [['x, y', 1], [null, 'z']])).toBe('a,b\r\n"x, y",1\r\n,z\r\n');
  });
});

describe('the export of what is drawn', () => {
  const graph = new SupplyGraph({ id: 'fac-plant', name: 'Plant, "A"', kind: 'FACILITY' });
  graph.add('fac-plant', -1, [
    {
      hops: 1,
      path: {
        nodes: [
          { id: 'fac-plant', name: 'Plant, "A"', entityKind: 'FACILITY' },
          { id: 'dep-ore', name: 'Ore deposit', entityKind: 'DEPOSIT' },
        ],
        links: [{ type: 'FEEDS', material: 'ore', status: 'PLANNED', from: { id: 'dep-ore' }, to: { id: 'fac-plant' }, sources: [{ id: 'src-b' }, { id: 'src-gone' }] }],
      },
    },
  ]);
  const sourceA = { id: 'src-a', title: 'Report, 2024', url: 'https://example.org/a' };
  const sourceB = { id: 'src-b', title: 'Notes', url: null };
  const data = graphExport(graph, { maxHops: 6, asOf: 2030 }, { ofEntity: new Map([['fac-plant', [sourceA]]]), byId: new Map([['src-b', sourceB]]) });

  it('has every entity, upstream first, and every link, each with its sources', () => {
    expect(data).toEqual({
      centre: 'fac-plant',
      maxHops: 6,
      asOf: 2030,
      entities: [
        { id: 'dep-ore', name: 'Ore deposit', kind: 'DEPOSIT', direction: 'upstream', hops: 1, sources: [] },
        { id: 'fac-plant', name: 'Plant, "A"', kind: 'FACILITY', direction: 'centre', hops: 0, sources: [sourceA] },
      ],
      links: [{ id: 'FEEDS:dep-ore->fac-plant', type: 'FEEDS', from: 'dep-ore', to: 'fac-plant', material: 'ore', status: 'PLANNED', sources: [sourceB, { id: 'src-gone', title: null, url: null }] }],
    });
  });

  it('is a CSV row per entity and per link, several sources joined in each source column', () => {
    expect(graphCsv(data).split('\r\n')).toEqual([
      'record,id,name,kind,direction,hops,type,from,to,material,status,source_ids,source_titles,source_urls',
      'entity,dep-ore,Ore deposit,DEPOSIT,upstream,1,,,,,,,,',
      'entity,fac-plant,"Plant, ""A""",FACILITY,centre,0,,,,,,src-a,"Report, 2024",https://example.org/a',
      'link,FEEDS:dep-ore->fac-plant,,,,,FEEDS,dep-ore,fac-plant,ore,PLANNED,src-b | src-gone,Notes | , | ',
      '',
    ]);
  });

  it('is saved under a name made of its centre and year', () => {
    expect(fileName(['graph', data.centre, data.asOf], 'csv')).toBe('graph-fac-plant-2030.csv');
    expect(fileName(['graph', 'fac-plant', null], 'json')).toBe('graph-fac-plant.json');
    expect(fileName(['shares', 'stage-separation', 'rare earths', 2024], 'csv')).toBe('shares-stage-separation-rare-earths-2024.csv');
  });
});

describe('the export of the country shares', () => {
  it('is a CSV row per country with its sources', () => {
    const breakdown: ShareBreakdown = {
      stage: { id: 'stage-separation', name: 'Separation / refining' },
      commodity: 'rare earths',
      year: 2024,
      hhi: 8281,
      coveredPct: 91,
      shares: [{ country: { id: 'reg-china', name: 'China' }, sharePct: 91, derived: false, metric: 'share of refining, %', sources: [{ id: 'src-iea', title: 'IEA "Outlook"', url: 'https://example.org/iea' }] }],
    };
    expect(sharesCsv(breakdown)).toBe(
      'stage,commodity,year,country_id,country,share_pct,derived,metric,source_ids,source_titles,source_urls\r\n' +
        'Separation / refining,rare earths,2024,reg-china,China,91,false,"share of refining, %",src-iea,"IEA ""Outlook""",https://example.org/iea\r\n',
    );
  });
});
