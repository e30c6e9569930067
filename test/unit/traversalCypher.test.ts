import {
  ELEMENT_COMMODITY,
  MAX_HOPS,
  MAX_PATHS,
  NEAR_HOPS,
  REGION_NEAR_HOPS,
  STAGE_SHARES,
  flowReach,
  materialEntries,
  pathsQuery,
  timeMode,
  traversalQuery,
  type Direction,
  type TimeMode,
} from '../../src/db/queries/traversal';
import { impactNetworkQuery } from '../../src/db/queries/impact';

/**
 * The exact Cypher of every traversal statement variant, reviewable in
 * __snapshots__/traversalCypher.test.ts.snap without a database. The hop bound only changes the numbers
 * in `{1,N}`, `<= N` (checked below), so one representative bound is snapshotted per shape.
 */

const DIRECTIONS: readonly Direction[] = ['down', 'up'];
const TIMES: readonly TimeMode[] = ['current', 'history', 'asOf'];
const HOPS = 6;

describe('traversalQuery (dependents / dependencies)', () => {
  for (const direction of DIRECTIONS) {
    for (const time of TIMES) {
      for (const withPaths of [true, false]) {
        it(`${direction} × ${time} × ${withPaths ? 'with paths' : 'hops only'} (maxHops ${HOPS})`, () => {
          const query = traversalQuery({ direction, maxHops: HOPS, time, withPaths });
          expect(query.name).toBe(direction === 'down' ? 'dependents' : 'dependencies');
          expect({ name: query.name, cypher: query.cypher }).toMatchSnapshot();
        });
      }
    }
  }

  it('differs in the hop bound only where the bound is written', () => {
    // 7 and 8: a region's searches have a branch for each depth of its tree (1 to 6) under both.
    const seven = traversalQuery({ direction: 'down', maxHops: 7, time: 'current', withPaths: true }).cypher;
    const eight = traversalQuery({ direction: 'down', maxHops: 8, time: 'current', withPaths: true }).cypher;
    // The whole search's flow part is bounded by what the entry steps leave of the bound: {1,7}, {1,6},
    // {1,5}; the nearer search a hub tries first keeps NEAR_HOPS whatever the bound.
    const [nearSeven, wholeSeven] = seven.split('CALL (start, near)');
    const [nearEight, wholeEight] = eight.split('CALL (start, near)');
    expect(nearEight).toBe(nearSeven);
    const oneMore = wholeSeven!.replace(/\)\{1,(\d+)\}\(b\)/g, (_, hops: string) => `){1,${Number(hops) + 1}}(b)`).replace('hops <= 7', 'hops <= 8');
    expect(wholeEight).toBe(oneMore);
    expect(wholeSeven).toMatch(/\{1,5\}\(b\)/);
    expect(nearSeven).toMatch(new RegExp(`\\{1,${NEAR_HOPS}\\}\\(b\\)`));
    expect(nearSeven).toContain(`CASE WHEN start:Region THEN ${REGION_NEAR_HOPS} ELSE ${NEAR_HOPS} END AS nearHops`);
    expect(nearSeven).toContain(`hops <= nearHops`);
    expect(eight).not.toBe(seven);
  });

  it('searches from what lies in a region only as far as the bound leaves past its depth in the region tree', () => {
    for (const [maxHops, depths] of [[2, 1], [4, 3], [6, 5], [7, 6], [12, 6]] as const) {
      for (const direction of DIRECTIONS) {
        const cypher = traversalQuery({ direction, maxHops, time: 'current', withPaths: false }).cypher;
        const whole = maxHops > NEAR_HOPS ? cypher.split('CALL (start, near)')[1]! : cypher;
        const branches = [...whole.matchAll(/fromRegion AND length\(p0\) = (\d+)\s+MATCH p1 = ANY SHORTEST \(a\)[^\n]*\{1,(\d+)\}\(b\)/g)];
        expect(branches.map((m) => [Number(m[1]), Number(m[2])])).toEqual(Array.from({ length: depths }, (_, i) => [i + 1, maxHops - i - 1]));
        // A hub region's nearer search: bounded at REGION_NEAR_HOPS (or the whole bound, when nearer).
        if (maxHops <= NEAR_HOPS) continue;
        const nearer = Math.min(REGION_NEAR_HOPS, maxHops);
        const near = [...cypher.split('CALL (start, near)')[0]!.matchAll(/fromRegion AND length\(p0\) = (\d+)\s+MATCH p1 = ANY SHORTEST \(a\)[^\n]*\{1,(\d+)\}\(b\)/g)];
        expect(near.map((m) => [Number(m[1]), Number(m[2])])).toEqual(Array.from({ length: nearer - 1 }, (_, i) => [i + 1, nearer - i - 1]));
      }
    }
  });

  it('tries a search bounded at NEAR_HOPS first only from a hub, and only when the bound is beyond it', () => {
    for (const withPaths of [true, false]) {
      const six = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths }).cypher;
      expect(six).toContain('WITH start WHERE COUNT { (start)--() } >= $hubDegree');
      // The whole search runs only when the nearer one found fewer than asked for.
      expect(six).toContain('WITH near WHERE size(near) >= $limit');
      expect(six).toContain('WITH start, near WHERE size(near) < $limit');
      const near = traversalQuery({ direction: 'down', maxHops: NEAR_HOPS, time: 'current', withPaths }).cypher;
      expect(near).not.toContain('$hubDegree');
    }
  });

  it('orders targets at the same distance by name, then id, in the nearer search and in the answer: the cut at `first` is always the same', () => {
    for (const withPaths of [true, false]) {
      const cypher = traversalQuery({ direction: 'up', maxHops: 6, time: 'current', withPaths }).cypher;
      expect(cypher.match(/ORDER BY (hops|size\(best\.rs\)), target\.name, target\.id LIMIT \$limit/g)).toHaveLength(2);
      expect(cypher.match(/LIMIT \$limit/g)).toHaveLength(2);
    }
  });

  it('walks stored directions: downstream follows them, upstream reverses them; upstream an element enters through deposits', () => {
    const down = traversalQuery({ direction: 'down', maxHops: 3, time: 'history', withPaths: false }).cypher;
    const up = traversalQuery({ direction: 'up', maxHops: 3, time: 'history', withPaths: false }).cypher;
    expect(down).toContain('(x)-[r:FEEDS|SUPPLIES|PRODUCES|USED_IN]->(y)');
    expect(up).toContain('(x)<-[r:FEEDS|SUPPLIES|PRODUCES|USED_IN]-(y)');
    expect(up).toContain('(start)<-[:CONTAINS]-(a:Deposit)');
    expect(down).not.toContain('(start)<-[:CONTAINS]-(a:Deposit');
  });

  it('searches from the start once per kind of entry, not once per entry (a region from each of its facilities and deposits)', () => {
    for (const withPaths of [true, false]) {
      const down = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths }).cypher;
      // A company's, the start's own, and the four ways a product or an element enters, in the whole
      // search; in the nearer one a hub tries first, the two ways in of two steps are themselves its
      // farthest targets, so four.
      expect(down.match(/ANY SHORTEST \(start\)/g)).toHaveLength(6 + 4);
      // A region's, one per depth of its tree that leaves a hop: 5 in the whole search, 3 in the nearer
      // (bounded at REGION_NEAR_HOPS).
      expect(down.match(/ANY SHORTEST \(a\)/g)).toHaveLength(5 + REGION_NEAR_HOPS - 1);
      expect(down).toContain('MATCH p0 = (start)<-[:PART_OF|LOCATED_IN*1..6]-(a) WHERE (a:Facility OR a:Deposit)');
    }
  });

  it('only the asOf variants read $asOf; hops-only variants materialise no path', () => {
    for (const time of TIMES) {
      const cypher = traversalQuery({ direction: 'down', maxHops: 4, time, withPaths: false }).cypher;
      expect(cypher.includes('$asOf')).toBe(time === 'asOf');
      expect(cypher).toContain('[] AS nodes, [] AS links');
      expect(cypher).not.toContain('head(collect(');
      // Only distances go through the searches: no path's nodes or relationships are carried.
      expect(cypher).not.toMatch(/nodes\(p|relationships\(p/);
    }
  });

  it('builds each variant once (same variant → the same statement object)', () => {
    const v = { direction: 'up', maxHops: 5, time: 'asOf', withPaths: true } as const;
    expect(traversalQuery({ ...v })).toBe(traversalQuery({ ...v }));
    expect(traversalQuery({ ...v, withPaths: false })).not.toBe(traversalQuery(v));
  });

  it.each([-1, MAX_HOPS + 1, 2.5, Number.NaN])('refuses maxHops %p (a programming error, never Cypher text)', (maxHops) => {
    expect(() => traversalQuery({ direction: 'down', maxHops, time: 'current', withPaths: true })).toThrow(/maxHops out of range/);
  });
});

describe('pathsQuery', () => {
  for (const direction of DIRECTIONS) {
    for (const time of TIMES) {
      it(`${direction} × ${time} (maxHops 8, first 5)`, () => {
        const query = pathsQuery(direction, 8, 5, time);
        expect(query.cypher).toContain('SHORTEST 5 (a)');
        expect(query.cypher).toContain('LIMIT 5');
        expect({ name: query.name, cypher: query.cypher }).toMatchSnapshot();
      });
    }
  }

  it('is cached per (direction, maxHops, first, time)', () => {
    expect(pathsQuery('down', 8, 5, 'current')).toBe(pathsQuery('down', 8, 5, 'current'));
    expect(pathsQuery('down', 8, 4, 'current')).not.toBe(pathsQuery('down', 8, 5, 'current'));
  });

  it('refuses out-of-range bounds', () => {
    expect(() => pathsQuery('down', MAX_HOPS + 1, 1, 'current')).toThrow(/maxHops out of range/);
    expect(() => pathsQuery('down', 4, MAX_PATHS + 1, 'current')).toThrow(/first out of range/);
  });
});

describe('impact statements', () => {
  for (const time of ['current', 'asOf'] as const) {
    it(`network, ${time} (maxHops 8)`, () => {
      const query = impactNetworkQuery(8, time);
      expect({ name: query.name, cypher: query.cypher }).toMatchSnapshot();
    });
  }

  it('follows only named flows between facilities, never a product from its makers to its consumers', () => {
    const cypher = impactNetworkQuery(8, 'current').cypher;
    expect(cypher).toContain('(x)-[r:FEEDS|SUPPLIES]->(y) WHERE NOT y:Company');
    expect(cypher).toContain('[:FEEDS {product: c.id}]');
    expect(cypher).toContain('{0,8}');
    expect(() => impactNetworkQuery(MAX_HOPS + 1, 'current')).toThrow(/maxHops out of range/);
  });
});

describe('material-aware traversals', () => {
  it('do not pass through a product from its makers to its consumers', () => {
    for (const direction of DIRECTIONS) {
      const cypher = traversalQuery({ direction, maxHops: 6, time: 'current', withPaths: true }).cypher;
      expect(cypher).toContain('[r:FEEDS|SUPPLIES|PRODUCES|USED_IN]');
      expect(cypher).not.toMatch(/\[r:[A-Z_|]*CONSUMED_BY/);
    }
  });

  it('start an element downstream at the products containing it and their makers and consumers', () => {
    const cypher = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false }).cypher;
    expect(cypher).toContain('(start)<-[:CONTAINS]-(:Product)<-[:PRODUCES]-(a:Facility)');
    expect(cypher).toContain('(start)<-[:CONTAINS]-(:Product)-[:CONSUMED_BY]->(a:Facility)');
  });

  it('leave out the ways in that cannot reach the asked kinds, by the flow endpoints of the graph model', () => {
    // Downstream, products lead only to products (USED_IN): facilities are reached through their makers and consumers.
    expect([...flowReach('Product', 'down')]).toEqual(['Product']);
    expect([...flowReach('Deposit', 'down')].sort()).toEqual(['Facility', 'Product']);
    expect([...flowReach('Facility', 'up')].sort()).toEqual(['Deposit', 'Facility']);
    expect(materialEntries('down', ['Facility']).map((e) => e.entry)).toEqual(['Facility', 'Facility', 'Facility']);
    expect(materialEntries('down', ['Product'])).toEqual(materialEntries('down'));
    // Upstream, a facility entry yields the elements of what it takes in and makes; a deposit entry only deposits.
    expect(materialEntries('up', ['Element']).map((e) => e.entry)).toEqual(['Facility']);
    expect(materialEntries('up', ['Deposit']).map((e) => e.entry)).toEqual(['Deposit', 'Facility']);

    const facilities = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false, labels: ['Facility'] });
    expect(facilities.cypher).not.toContain('(start)<-[:CONTAINS]-(a:Product');
    expect(facilities.cypher).toContain('(start)<-[:CONTAINS]-(:Product)<-[:PRODUCES]-(a:Facility');
    expect(facilities.cypher).toContain('AND (size($labels) = 0 OR any(l IN labels(target) WHERE l IN $labels))');
    const all = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false });
    expect(all.cypher).toContain('(start)<-[:CONTAINS]-(a:Product');
    // Kinds that keep the same ways in share one statement text.
    expect(traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false, labels: ['Product', 'Facility'] })).toBe(all);
    expect(traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false, labels: ['Deposit', 'Facility'] })).toBe(facilities);
  });
});

describe('fixed traversal statements', () => {
  it.each([STAGE_SHARES, ELEMENT_COMMODITY])('$name', (query) => {
    expect({ name: query.name, cypher: query.cypher }).toMatchSnapshot();
  });
});

describe('timeMode', () => {
  it('chooses asOf over history over current', () => {
    expect(timeMode(2020, true)).toBe('asOf');
    expect(timeMode(0, null)).toBe('asOf');
    expect(timeMode(null, true)).toBe('history');
    expect(timeMode(undefined, false)).toBe('current');
    expect(timeMode(null, null)).toBe('current');
  });
});
