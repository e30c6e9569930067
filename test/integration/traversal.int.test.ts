import { database, execute, setupInProcessApp, testContext } from '../support/testServer';
import neo4j from 'neo4j-driver';
import { traverse } from '../../src/db/traversal';
import { NEAR_HOPS, traversalQuery } from '../../src/db/queries/traversal';
import type { EntityKindName } from '../../src/domain/graphModel';
import type { DependencyRecord } from '../../src/db/models';

const t = setupInProcessApp();

const run = async (query: string, variables: Record<string, unknown> = {}) => {
  const result = await execute<any>(t.app, testContext(t.driver), query, variables);
  return result;
};
const ok = async (query: string, variables: Record<string, unknown> = {}) => {
  const { data, errors } = await run(query, variables);
  expect(errors).toBeUndefined();
  return data;
};

describe('dependents', () => {
  it('finds the facilities that depend on Tastyg, with hops, operator and year', async () => {
    const data = await ok(/* GraphQL */ `
      { dependents(of: "dep-tastyg", kinds: [FACILITY]) {
          hops
          entity { id ... on Facility { startYear operator { name } } }
          path { length nodes { id } links { type status confidence sources { id } } }
      } }`);
    expect(data.dependents.map((d: any) => [d.entity.id, d.hops])).toEqual([
      ['fac-tastyg-mine', 1],
      ['fac-areal-tastyg-lithium-salts', 2],
      ['fac-elbrus-lioh', 2],
    ]);
    const lioh = data.dependents[2];
    expect(lioh.entity).toMatchObject({ startYear: 2030, operator: { name: 'AO Elbrusmetall' } });
    expect(lioh.path.nodes.map((n: any) => n.id)).toEqual(['dep-tastyg', 'fac-tastyg-mine', 'fac-elbrus-lioh']);
    expect(lioh.path.links.every((l: any) => l.type === 'FEEDS' && l.status === 'PLANNED' && l.sources.length > 0)).toBe(true);
  });

  it('goes through a company to the facilities it operates', async () => {
    const data = await ok(/* GraphQL */ `{ dependents(of: "co-elbrusmetall", kinds: [FACILITY, PRODUCT]) { hops entity { id } path { links { type } } } }`);
    const lioh = data.dependents.find((d: any) => d.entity.id === 'prod-lioh');
    expect(lioh.path.links.map((l: any) => l.type)).toEqual(['OPERATES', 'PRODUCES']);
  });

  it('answers what exists in the Angara–Yenisei cluster in 2028 versus 2032', async () => {
    const query = /* GraphQL */ `query ($y: Int) { dependents(of: "reg-angara-yenisei", kinds: [FACILITY], asOf: $y, first: 200) { entity { id } } }`;
    const ids = async (y: number | null) => (await ok(query, { y })).dependents.map((d: any) => d.entity.id) as string[];
    const in2028 = await ids(2028);
    const in2032 = await ids(2032);
    const planned = await ids(null);
    expect(in2028).toEqual(expect.arrayContaining(['fac-khimmed', 'fac-angara-yenisei-cluster']));
    expect(in2028).not.toContain('fac-elbrus-lioh'); // lithium hydroxide from 2030
    expect(in2028).not.toContain('fac-rusal-ai'); // AI centre from 2032
    expect(in2032).toEqual(expect.arrayContaining(['fac-khimmed', 'fac-elbrus-lioh', 'fac-rusal-ai', 'fac-tastyg-mine']));
    expect(new Set(planned)).toEqual(new Set([...planned, ...in2032]));
  });

  it('is the same question as a field of the type', async () => {
    const viaRoot = await ok(/* GraphQL */ `{ dependents(of: "dep-lovozero") { entity { id } hops } }`);
    const viaField = await ok(/* GraphQL */ `{ node(id: "dep-lovozero") { ... on Deposit { dependents { entity { id } hops } } } }`);
    expect(viaField.node.dependents).toEqual(viaRoot.dependents);
  });
});

describe('dependencies and paths', () => {
  it('traces an NdFeB magnet plant back to deposits', async () => {
    const data = await ok(/* GraphQL */ `{ dependencies(of: "fac-glazov-magnet", kinds: [DEPOSIT], maxHops: 8) { hops entity { id } } }`);
    expect(data.dependencies).toEqual(expect.arrayContaining([{ hops: 4, entity: { id: 'dep-lovozero' } }]));
  });

  it('gives the path from the Lovozero deposit to the Glazov magnet plant with every link sourced', async () => {
    const data = await ok(/* GraphQL */ `
      { paths(from: "dep-lovozero", to: "fac-glazov-magnet", first: 3) {
          length nodes { id } links { type material status from { id } to { id } sources { id } }
      } }`);
    const [shortest] = data.paths;
    expect(shortest.nodes.map((n: any) => n.id)).toEqual(['dep-lovozero', 'fac-lovozero-gok', 'fac-smz', 'fac-smz-separation', 'fac-glazov-magnet']);
    expect(shortest.links.map((l: any) => [l.type, l.status])).toEqual([
      ['FEEDS', 'OPERATING'],
      ['FEEDS', 'OPERATING'],
      ['FEEDS', 'PLANNED'],
      ['FEEDS', 'PLANNED'],
    ]);
    expect(shortest.links[3].material).toBe('Nd and Pr');
    for (const link of shortest.links) expect(link.sources.length).toBeGreaterThan(0);
    const lengths = data.paths.map((p: any) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('finds no downstream path against the flow, and one upstream', async () => {
    const down = await ok(/* GraphQL */ `{ paths(from: "fac-glazov-magnet", to: "dep-lovozero") { length } }`);
    expect(down.paths).toEqual([]);
    const up = await ok(/* GraphQL */ `{ paths(from: "fac-glazov-magnet", to: "dep-lovozero", direction: UPSTREAM) { length } }`);
    expect(up.paths[0].length).toBe(4);
  });
});

describe('impact', () => {
  it('tells what is affected if the Lovozero plant stops, and what stops entirely', async () => {
    const data = await ok(/* GraphQL */ `
      { impact(of: ["fac-lovozero-gok"]) {
          affected { hops fullyExposed entity { id } alternatives { id } }
          byKind { key count fullyExposed }
          byCountry { key count }
      } }`);
    const byId = new Map(data.impact.affected.map((a: any) => [a.entity.id, a]));
    for (const stopped of ['fac-smz-separation', 'fac-ulan-ude-instrument-plant', 'prod-loparite-conc']) expect(byId.get(stopped)).toMatchObject({ fullyExposed: true });
    // SMZ keeps its magnesium line (carnallite), Glazov its possible samarium-cobalt line: neither stops entirely.
    expect(byId.get('fac-smz')).toMatchObject({ fullyExposed: false, hops: 1 });
    expect(byId.get('fac-glazov-magnet')).toMatchObject({ fullyExposed: false, hops: 3 });
    expect(data.impact.byCountry).toEqual([{ key: 'Russia', count: 4 }]);
    const facilities = data.impact.byKind.find((k: any) => k.key === 'FACILITY');
    expect(facilities).toEqual({ key: 'FACILITY', count: 4, fullyExposed: 2 });
  });
});

describe('supply shares', () => {
  it("gives China's share of rare-earth separation with its source", async () => {
    const data = await ok(/* GraphQL */ `
      { supplyShares(stage: "separation") { year hhi coveredPct stage { id } shares { country { id } sharePct sources { id } } } }`);
    expect(data.supplyShares.stage.id).toBe('stage-separation');
    expect(data.supplyShares.shares[0]).toMatchObject({ country: { id: 'country-china' }, sharePct: 91 });
    expect(data.supplyShares.shares[0].sources.map((s: any) => s.id)).toContain('iea-oct2025-rex');
    expect(data.supplyShares.hhi).toBe(91 * 91);
  });

  it('computes the index over all countries of a year', async () => {
    const data = await ok(/* GraphQL */ `{ supplyShares(stage: "mining", element: "Nd", year: 2024) { shares { sharePct } hhi coveredPct } }`);
    const pcts: number[] = data.supplyShares.shares.map((s: any) => s.sharePct);
    expect(pcts.length).toBeGreaterThan(5);
    expect(data.supplyShares.hhi).toBeCloseTo(pcts.reduce((sum, p) => sum + p * p, 0), 1);
    expect(pcts).toEqual([...pcts].sort((a, b) => b - a));
  });
});

describe('limits', () => {
  it('refuses maxHops above 12 with BAD_USER_INPUT naming the limit', async () => {
    const { errors } = await run(/* GraphQL */ `{ dependents(of: "dep-tastyg", maxHops: 50) { hops } }`);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'maxHops' });
    expect(errors?.[0]?.message).toMatch(/hop limit is 12/);
  });

  it('answers NOT_FOUND for an unknown entity', async () => {
    const { errors } = await run(/* GraphQL */ `{ impact(of: ["fac-nowhere"]) { affected { hops } } }`);
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('traverses 12 hops from the most connected node within the transaction timeout', async () => {
    const { records } = await t.driver.executeQuery(
      'MATCH (n:Entity) RETURN n.id AS id ORDER BY COUNT { (n)--() } DESC LIMIT 1',
      {},
      { database },
    );
    const hub = records[0]!.get('id') as string;
    expect(hub).toBe('country-russia'); // the seed graph's most connected node
    type Reached = [string, number][];
    const reached = async (field: string, maxHops: number): Promise<Reached> =>
      (await ok(`{ ${field}(of: "${hub}", maxHops: ${maxHops}, first: 500) { hops entity { id } } }`))[field].map((d: any) => [d.entity.id, d.hops]);
    // The real answer at 12 hops: everything the default 6 hops finds, at the same distances, plus exactly
    // what lies further: nothing, in either direction. (Before flows named their products, upstream
    // reached the Chinese, Australian and US deposits by joining every maker of a product to every consumer.)
    const beyondSix: Record<string, Reached> = { dependents: [], dependencies: [] };
    for (const field of ['dependents', 'dependencies']) {
      const far = await reached(field, 12);
      const near = await reached(field, 6);
      expect(near.length).toBeGreaterThan(40);
      expect(new Set(far.map(([id]) => id)).size).toBe(far.length);
      expect(far.map(([, hops]) => hops)).toEqual(far.map(([, hops]) => hops).sort((a, b) => a - b));
      expect(far.filter(([, hops]) => hops <= 6)).toEqual(near);
      expect(far.filter(([, hops]) => hops > 6).sort()).toEqual(beyondSix[field]);
    }
    const data = await ok(`{ impact(of: ["${hub}"], maxHops: 12) { affected { hops } } }`);
    expect(data.impact.affected.length).toBeGreaterThan(0);
  });
});

describe('distances and paths', () => {
  // Without `path` selected only distances go through the searches (db/queries/traversal.ts); with it,
  // each target's shortest path. Both must find the same targets at the same distances, from every kind
  // of start (regions and companies through what they hold, elements and products through materials).
  it('agree for every entity of the seed, both ways, and each path leads from the start to its target in `hops` links', async () => {
    const db = testContext(t.driver).db;
    const ids = (await t.driver.executeQuery('MATCH (n:Entity) RETURN n.id AS id ORDER BY id', {}, { database })).records.map((r) => r.get('id') as string);
    expect(ids.length).toBeGreaterThan(200);
    let reachedSome = 0;
    for (const direction of ['down', 'up'] as const) {
      for (const id of ids) {
        const options = { maxHops: 6, limit: 1_000 };
        const [distances, paths] = await Promise.all([traverse(db, id, direction, { ...options, withPaths: false }), traverse(db, id, direction, { ...options, withPaths: true })]);
        const key = (rows: typeof paths) => rows.map((r) => `${r.entity.id}:${r.hops}`).sort();
        expect({ id, direction, reached: key(paths) }).toEqual({ id, direction, reached: key(distances) });
        for (const { entity, hops, path } of paths) {
          expect(path.links).toHaveLength(hops);
          expect([path.nodes[0]?.id, path.nodes.at(-1)?.id]).toEqual([id, entity.id]);
          path.links.forEach((link, i) => expect([link.from.id, link.to.id].sort()).toEqual([path.nodes[i]!.id, path.nodes[i + 1]!.id].sort()));
        }
        if (paths.length > 0) reachedSome++;
      }
    }
    expect(reachedSome).toBeGreaterThan(300);
  }, 120_000);
});

describe('a region', () => {
  // A region reaches the flow through the facilities and deposits in it, at their depth in the region
  // tree, and searches from each only as far as the bound leaves past that depth (queries/traversal.ts
  // `regionSearches`). The answer must be what those entries give on their own: each entry at its
  // depth, and what it reaches in maxHops - depth, at depth + its distance; the nearest of them.
  it('reaches what lies in it at its depth, and what that reaches at the depth plus its distance, both ways', async () => {
    const db = testContext(t.driver).db;
    const regions = (await t.driver.executeQuery('MATCH (n:Region) RETURN n.id AS id ORDER BY id', {}, { database })).records.map((r) => r.get('id') as string);
    const maxHops = 6;
    const options = { limit: 1_000, withPaths: false };
    let compared = 0;
    for (const direction of ['down', 'up'] as const) {
      for (const id of regions) {
        const { records } = await t.driver.executeQuery(
          `MATCH p = (:Region {id: $id})<-[:PART_OF|LOCATED_IN*1..6]-(a) WHERE a:Deposit OR (a:Facility AND NOT a.status IN ['historical', 'suspended'])
           RETURN a.id AS entry, min(length(p)) AS depth`,
          { id },
          { database },
        );
        const nearest = new Map<string, number>();
        const reach = (target: string, hops: number) => {
          if (target !== id && hops <= maxHops && hops < (nearest.get(target) ?? Infinity)) nearest.set(target, hops);
        };
        for (const record of records) {
          const [entry, depth] = [record.get('entry') as string, Number(record.get('depth'))];
          reach(entry, depth);
          if (depth >= maxHops) continue;
          for (const r of await traverse(db, entry, direction, { ...options, maxHops: maxHops - depth })) reach(r.entity.id, depth + r.hops);
        }
        const answer = await traverse(db, id, direction, { ...options, maxHops });
        const key = (pairs: [string, number][]) => pairs.map(([target, hops]) => `${target}:${hops}`).sort();
        expect({ id, direction, reached: key(answer.map((r) => [r.entity.id, r.hops])) }).toEqual({ id, direction, reached: key([...nearest]) });
        if (records.some((r) => Number(r.get('depth')) > 1) && answer.some((r) => r.hops > 2)) compared++;
      }
    }
    // Regions whose entries lie deeper than one level, reaching past them: the bound by depth was at work.
    expect(compared).toBeGreaterThan(5);
  }, 120_000);
});

describe('kinds', () => {
  // A statement asked for some kinds leaves out the ways in through materials that cannot reach them
  // (queries/traversal.ts `materialEntries`, from the graph model's flow endpoints). Leaving out one
  // that can would lose answers: each asked kind must give exactly what the unfiltered traversal
  // gives of it, from every element and product (the starts with ways in through materials).
  it('asked for, give what the traversal without kinds gives of them, from every element and product, both ways', async () => {
    const db = testContext(t.driver).db;
    const ids = (
      await t.driver.executeQuery('MATCH (n:Entity) WHERE n:Element OR n:Product RETURN n.id AS id ORDER BY id', {}, { database })
    ).records.map((r) => r.get('id') as string);
    expect(ids.length).toBeGreaterThan(40);
    const asked: (readonly EntityKindName[])[] = [['FACILITY'], ['PRODUCT'], ['DEPOSIT'], ['ELEMENT'], ['DEPOSIT', 'ELEMENT']];
    const options = { maxHops: 6, limit: 1_000, withPaths: false };
    const key = (rows: readonly DependencyRecord[]) => rows.map((r) => `${r.entity.id}:${r.hops}`).sort();
    let found = 0;
    for (const direction of ['down', 'up'] as const) {
      for (const id of ids) {
        const all = await traverse(db, id, direction, options);
        const answers = await Promise.all(asked.map((kinds) => traverse(db, id, direction, { ...options, kinds })));
        answers.forEach((rows, i) => {
          const expected = all.filter((r) => asked[i]!.includes(r.entity.kind));
          expect({ id, direction, kinds: asked[i], reached: key(rows) }).toEqual({ id, direction, kinds: asked[i], reached: key(expected) });
          found += rows.length;
        });
      }
    }
    expect(found).toBeGreaterThan(100);
  }, 120_000);
});

describe('a hub searched near first', () => {
  // From a start with `$hubDegree` relationships or more, the traversal first searches NEAR_HOPS deep
  // and stops there when that finds `$limit` targets (queries/traversal.ts `nearestFirst`). Passing 0
  // makes every start a hub; a degree no node has makes none: both must give the same nearest targets.
  const NEVER = 2 ** 31 - 1;
  const key = (rows: readonly DependencyRecord[]) => rows.map((r) => `${r.entity.id}:${r.hops}`).sort();

  it('gives the nearest targets the whole search gives, from every entity of the seed, both ways, with and without paths', async () => {
    const db = testContext(t.driver).db;
    const ids = (await t.driver.executeQuery('MATCH (n:Entity) RETURN n.id AS id ORDER BY id', {}, { database })).records.map((r) => r.get('id') as string);
    expect(ids.length).toBeGreaterThan(200);
    let nearEnough = 0;
    let beyond = 0;
    for (const direction of ['down', 'up'] as const) {
      for (const id of ids) {
        for (const [limit, withPaths] of [[1, false], [10, false], [10, true]] as const) {
          const options = { maxHops: 6, limit, withPaths };
          const [hub, whole] = await Promise.all([traverse(db, id, direction, { ...options, hubDegree: 0 }), traverse(db, id, direction, { ...options, hubDegree: NEVER })]);
          expect({ id, direction, limit, withPaths, reached: key(hub) }).toEqual({ id, direction, limit, withPaths, reached: key(whole) });
          if (whole.length === limit && whole.every((r) => r.hops <= NEAR_HOPS)) nearEnough++;
          if (whole.some((r) => r.hops > NEAR_HOPS)) beyond++;
          for (const { entity, hops, path } of withPaths ? hub : []) {
            expect(path.links).toHaveLength(hops);
            expect([path.nodes[0]?.id, path.nodes.at(-1)?.id]).toEqual([id, entity.id]);
          }
        }
      }
    }
    // Both ways of answering were taken: the nearer search was enough, and it was not.
    expect(nearEnough).toBeGreaterThan(100);
    expect(beyond).toBeGreaterThan(100);
  }, 180_000);

  it.each([
    // Neodymium's nearest facility: the makers and consumers of what contains it are 2 hops away.
    ['el-nd', 'Facility', 2],
    // Russia's nearest product, 3 hops away (a facility 2 levels down makes it): past NEAR_HOPS, within
    // the nearer bound of a region (REGION_NEAR_HOPS).
    ['country-russia', 'Product', 3],
  ])('does not run the whole search when the nearer one finds enough: %s, nearest %s (fewer db hits, same answer)', async (id, label, hops) => {
    const cypher = traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: false, labels: [label] }).cypher;
    const profile = async (hubDegree: number) => {
      const params = { id, labels: [label], limit: neo4j.int(1), hubDegree: neo4j.int(hubDegree), asOf: null, includeHistorical: false };
      const { records, summary } = await t.driver.executeQuery(`PROFILE ${cypher}`, params, { database });
      const hits = (p: any): number => (p.dbHits ?? 0) + (p.children ?? []).reduce((sum: number, c: any) => sum + hits(c), 0);
      return { found: records.map((r) => [r.get('entity').props.id, Number(r.get('hops'))]), dbHits: hits(summary.profile) };
    };
    const [hub, whole] = [await profile(0), await profile(NEVER)];
    expect(hub.found).toEqual(whole.found);
    expect(hub.found).toHaveLength(1);
    expect(hub.found[0]![1]).toBe(hops);
    expect(hub.dbHits).toBeLessThan(whole.dbHits / 2);
  });
});
