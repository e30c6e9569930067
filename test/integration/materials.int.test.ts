import { execute, setupInProcessApp, testContext } from '../support/testServer';

/**
 * The material-aware model, through GraphQL: the questions of issue #13 "tried as an analyst would",
 * each with the answer the seed's sources support.
 */
const t = setupInProcessApp();

const run = (query: string, variables: Record<string, unknown> = {}) => execute<any>(t.app, testContext(t.driver), query, variables);
const ok = async (query: string, variables: Record<string, unknown> = {}) => {
  const { data, errors } = await run(query, variables);
  expect(errors).toBeUndefined();
  return data;
};
const ids = (list: { entity: { id: string } }[]) => list.map((d) => d.entity.id);

describe('traversals start at an element', () => {
  it('finds the facilities that depend on neodymium: makers and consumers of what contains it, not lithium or niobium plants', async () => {
    const data = await ok(/* GraphQL */ `{ dependents(of: "el-nd", kinds: [FACILITY], maxHops: 8) { hops entity { id } path { nodes { id } links { type } } } }`);
    const found = ids(data.dependents);
    expect(found).toEqual(expect.arrayContaining(['fac-glazov-magnet', 'fac-smz-separation', 'fac-mp-independence', 'fac-neo-narva', 'fac-lynas-malaysia', 'fac-ulan-ude-instrument-plant']));
    expect(found).not.toContain('fac-elbrus-lioh');
    expect(found).not.toContain('fac-cbmm-araxa');
    const glazov = data.dependents.find((d: any) => d.entity.id === 'fac-glazov-magnet');
    // el-nd ← CONTAINS – a product Glazov makes or takes in
    expect(glazov.path.nodes[0].id).toBe('el-nd');
    expect(glazov.path.links.map((l: any) => l.type)[0]).toBe('CONTAINS');
  });

  it('reaches facilities from dysprosium, not only end uses', async () => {
    const data = await ok(/* GraphQL */ `{ dependents(of: "el-dy", kinds: [FACILITY]) { entity { id } } }`);
    expect(ids(data.dependents)).toEqual(expect.arrayContaining(['fac-glazov-magnet', 'fac-lynas-malaysia']));
    expect(ids(data.dependents)).not.toContain('fac-smz'); // SMZ's products contain no dysprosium in the sources
  });

  it('gives the elements a magnet plant depends on, from what it takes in and makes', async () => {
    const data = await ok(/* GraphQL */ `{ dependencies(of: "fac-glazov-magnet", kinds: [ELEMENT]) { hops entity { id } } }`);
    expect(ids(data.dependencies)).toEqual(expect.arrayContaining(['el-nd', 'el-pr', 'el-fe', 'el-b']));
    // Titanium is in the loparite three plants upstream, not in anything Glazov handles.
    expect(ids(data.dependencies)).not.toContain('el-ti');
  });

  it('goes upstream from an element to the plants making products that contain it and their feed', async () => {
    const data = await ok(/* GraphQL */ `{ dependencies(of: "el-dy", kinds: [FACILITY, DEPOSIT], maxHops: 8) { entity { id } } }`);
    expect(ids(data.dependencies)).toEqual(expect.arrayContaining(['dep-mount-weld', 'fac-lynas-malaysia', 'fac-lynas-kalgoorlie']));
  });
});

describe('products are not junctions between facilities', () => {
  it('does not join every maker of a product to every consumer of it', async () => {
    const data = await ok(/* GraphQL */ `{ dependents(of: "fac-lovozero-gok", kinds: [FACILITY], maxHops: 8) { entity { id } } }`);
    expect(ids(data.dependents)).toEqual(['fac-smz', 'fac-smz-separation', 'fac-glazov-magnet', 'fac-ulan-ude-instrument-plant']);
  });

  it("starts at a product's consumers, not its makers", async () => {
    const data = await ok(/* GraphQL */ `{ dependents(of: "prod-ndpr-metal", kinds: [FACILITY]) { hops entity { id } } }`);
    expect(data.dependents).toEqual([
      { hops: 1, entity: { id: 'fac-glazov-magnet' } },
      { hops: 1, entity: { id: 'fac-ulan-ude-instrument-plant' } },
    ]);
  });

  it('names the product on every flow of a path', async () => {
    const data = await ok(/* GraphQL */ `
      { paths(from: "dep-lovozero", to: "fac-glazov-magnet") { links { type material product { id } } } }`);
    expect(data.paths[0].links.map((l: any) => l.product?.id ?? null)).toEqual([null, 'prod-loparite-conc', 'prod-mixed-re-carbonate', 'prod-ndpr-metal']);
    expect(data.paths[0].links[0].material).toBe('loparite ore');
  });
});

describe('impact follows bills of materials', () => {
  const IMPACT = /* GraphQL */ `query ($of: [ID!]!) { impact(of: $of) {
    affected { hops fullyExposed entity { id } lostOutputs { id } lostInputs { id } alternatives { id } path { nodes { id } links { type sources { id } } } }
    byKind { key count fullyExposed }
  } }`;
  const byId = (data: any) => new Map<string, any>(data.impact.affected.map((a: any) => [a.entity.id, a]));

  it('keeps magnesium when the Lovozero plant stops, and loses what needs loparite', async () => {
    const affected = byId(await ok(IMPACT, { of: ['fac-lovozero-gok'] }));
    const smz = affected.get('fac-smz');
    expect(smz.fullyExposed).toBe(false);
    expect(smz.lostInputs.map((p: any) => p.id)).toEqual(['prod-loparite-conc']);
    expect(smz.lostOutputs.map((p: any) => p.id).sort()).toEqual(['prod-mixed-re-carbonate', 'prod-nb-ta-compounds', 'prod-ti-sponge']);
    expect(affected.has('prod-magnesium')).toBe(false);
    // Loparite concentrate and SMZ's titanium sponge have no other maker.
    expect(affected.get('prod-loparite-conc')).toMatchObject({ fullyExposed: true });
    expect(affected.get('prod-ti-sponge')).toMatchObject({ fullyExposed: true, hops: 2 });
    // Glazov's NdFeB magnets stop; carbonate is made elsewhere too, so it is not lost as a product.
    expect(affected.get('fac-glazov-magnet').lostOutputs.map((p: any) => p.id)).toContain('prod-ndfeb-magnet');
    expect(affected.get('fac-glazov-magnet').alternatives.map((a: any) => a.id)).toContain('fac-mp-independence');
    expect(affected.get('fac-smz-separation')).toMatchObject({ fullyExposed: true });
    expect(affected.has('prod-mixed-re-carbonate')).toBe(false);
    // No supply relation exists from Lovozero to Lynas or MP.
    for (const unrelated of ['fac-lynas-malaysia', 'fac-mp-independence', 'fac-mp-10x', 'prod-magnesium']) expect(affected.has(unrelated)).toBe(false);
    for (const a of affected.values()) for (const link of a.path.links) expect(link.sources.length).toBeGreaterThan(0);
  });

  it('stops what only one route feeds, and names the products no one can make any more', async () => {
    const affected = byId(await ok(IMPACT, { of: ['fac-lynas-mtweld'] }));
    expect(affected.get('fac-lynas-kalgoorlie')).toMatchObject({ fullyExposed: true });
    expect(affected.get('fac-lynas-malaysia')).toMatchObject({ fullyExposed: true });
    expect(affected.get('prod-dy-tb-oxide')).toMatchObject({ fullyExposed: true });
    expect(affected.get('fac-lynas-malaysia').path.nodes.map((n: any) => n.id)).toEqual(['fac-lynas-mtweld', 'fac-lynas-kalgoorlie', 'fac-lynas-malaysia']);
  });

  it('treats a disrupted product as reaching no one', async () => {
    const affected = byId(await ok(IMPACT, { of: ['prod-ndpr-metal'] }));
    expect([...affected.keys()].sort()).toEqual(['fac-glazov-magnet', 'fac-ulan-ude-instrument-plant']);
    expect(affected.get('fac-ulan-ude-instrument-plant').lostInputs.map((p: any) => p.id)).toEqual(['prod-ndpr-metal']);

    // Areal's plant takes Tastyg concentrate by a named flow, with no CONSUMED_BY: found through the flow's product.
    const spodumene = byId(await ok(IMPACT, { of: ['prod-spodumene-conc'] }));
    expect(spodumene.get('fac-areal-tastyg-lithium-salts')).toMatchObject({ fullyExposed: true, lostInputs: [{ id: 'prod-spodumene-conc' }] });
    expect(spodumene.get('fac-elbrus-lioh')?.lostOutputs.map((p: any) => p.id)).toEqual(['prod-lioh']);
  });
});

describe('commodities at stages and bills of materials', () => {
  it('separates rare-earth separation from lithium and chemicals at the same stage', async () => {
    const data = await ok(/* GraphQL */ `{ node(id: "stage-separation") { ... on SupplyChainStage {
      re: facilities(commodity: "rare earths", first: 50) { edges { node { id } } }
      li: facilities(commodity: "lithium") { totalCount edges { node { id } } }
      all: facilities(first: 50) { edges { node { id } } } } } }`);
    const re = data.node.re.edges.map((e: any) => e.node.id);
    expect(re).toEqual(expect.arrayContaining(['fac-smz-separation', 'fac-lynas-malaysia']));
    expect(re).not.toContain('fac-elbrus-lioh');
    expect(re).not.toContain('fac-khimmed');
    expect(data.node.li.edges.map((e: any) => e.node.id)).toEqual(['fac-elbrus-lioh']);
    expect(data.node.li.totalCount).toBe(1);
    expect(data.node.all.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(['fac-elbrus-lioh', 'fac-khimmed']));
  });

  it('refuses an unknown commodity with BAD_USER_INPUT', async () => {
    const { errors } = await run(/* GraphQL */ `{ node(id: "stage-separation") { ... on SupplyChainStage { facilities(commodity: "unobtanium") { edges { node { id } } } } } }`);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'commodity' });
  });

  it("gives SMZ's bill of materials with its sources: magnesium from carnallite, the rest from loparite", async () => {
    const data = await ok(/* GraphQL */ `{ node(id: "fac-smz") { ... on Facility { commodities products { product { id } requires { anyOf { id } } sources { id } } } } }`);
    const byProduct = new Map<string, any>(data.node.products.map((p: any) => [p.product.id, p]));
    expect(byProduct.get('prod-magnesium').requires).toEqual([{ anyOf: [{ id: 'prod-carnallite' }] }]);
    expect(byProduct.get('prod-magnesium').sources.map((s: any) => s.id)).toContain('interfax-smz-carnallite-2016');
    expect(byProduct.get('prod-ti-sponge').requires).toEqual([{ anyOf: [{ id: 'prod-loparite-conc' }] }]);
    expect(byProduct.get('prod-ti-sponge').sources.map((s: any) => s.id)).toContain('usgs-loparite-1997');
    expect(data.node.commodities).toEqual(expect.arrayContaining(['rare earths', 'magnesium', 'titanium']));
  });
});

describe('renamed entities keep answering to their former ids', () => {
  it('node(id:) with a former id answers the entity under its current id', async () => {
    const data = await ok(/* GraphQL */ `{ old: node(id: "fac-ay-cluster") { id ... on Facility { name aliases formerIds } } current: node(id: "fac-angara-yenisei-cluster") { id } }`);
    expect(data.old.id).toBe('fac-angara-yenisei-cluster');
    expect(data.old.formerIds).toEqual(['fac-ay-cluster']);
    expect(data.old.aliases).toContain('Angara-Yenisei cluster');
    expect(data.current.id).toBe('fac-angara-yenisei-cluster');
  });

  it('traversals, paths and impact start from a former id as from the current one', async () => {
    const viaOld = await ok(/* GraphQL */ `{ dependencies(of: "fac-uuppo", kinds: [FACILITY], maxHops: 8) { entity { id } hops } }`);
    const viaNew = await ok(/* GraphQL */ `{ dependencies(of: "fac-ulan-ude-instrument-plant", kinds: [FACILITY], maxHops: 8) { entity { id } hops } }`);
    expect(viaOld.dependencies.length).toBeGreaterThan(0);
    expect(viaOld.dependencies).toEqual(viaNew.dependencies);
    const paths = await ok(/* GraphQL */ `{ paths(from: "dep-lovozero", to: "fac-uuppo") { nodes { id } } }`);
    expect(paths.paths[0].nodes.at(-1).id).toBe('fac-ulan-ude-instrument-plant');
    const impact = await ok(/* GraphQL */ `{ impact(of: ["fac-ay-cluster"]) { disrupted { id } } }`);
    expect(impact.impact.disrupted).toEqual([{ id: 'fac-angara-yenisei-cluster' }]);
  });

  it('keeps the macroregion and the cluster apart: the region no longer takes the cluster’s name', async () => {
    const data = await ok(/* GraphQL */ `{ search(text: "Angara-Yenisei cluster", first: 1) { entity { id } } }`);
    expect(data.search[0].entity.id).toBe('fac-angara-yenisei-cluster');
  });
});
