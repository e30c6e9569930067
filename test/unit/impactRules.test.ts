import { computeImpact } from '../../src/db/impact';
import type { ImpactNetwork } from '../../src/db/impact';
import type { ProductRow } from '../../src/db/queries/impact';

/**
 * The rules of `impact`, on small hand-built networks (no database): bills of materials, alternatives
 * between suppliers, inputs with no supplier in the graph, disrupted products.
 */

const node = (label: string, id: string) => ({ labels: ['Entity', label], props: { id, name: id, kind: 'k', commodity: 'k', status: 'operating', sourceIds: ['s'] } });
const flow = (from: string, to: string, product?: string) => ({ type: 'FEEDS', from, to, props: product ? { product, sourceIds: ['s'] } : { sourceIds: ['s'] } });

interface Plant {
  id: string;
  inflows?: ReturnType<typeof flow>[];
  consumes?: string[];
  produces?: [string, string[]?][];
}
function network(cut: { label: string; id: string }[], plants: Plant[]): ImpactNetwork['network'] {
  return {
    entries: cut.map((c) => ({ entity: node(c.label, c.id), nodes: [node(c.label, c.id)], links: [] })),
    facilities: plants.map((p) => ({
      facility: node('Facility', p.id),
      inflows: p.inflows ?? [],
      consumes: (p.consumes ?? []).map((product) => ({ product, props: {} })),
      produces: (p.produces ?? []).map(([product, requires]) => ({ product, props: requires ? { requires } : {} })),
      stage: null,
      country: null,
    })),
  };
}
const products = (makers: Record<string, string[]>): ProductRow[] =>
  Object.entries(makers).map(([id, by]) => ({ product: node('Product', id), makers: by.map((m) => node('Facility', m)), stage: null }));

const summary = (result: ReturnType<typeof computeImpact>) =>
  Object.fromEntries(result.affected.map((a) => [a.entity.id, { stops: a.stops, lost: a.lostOutputs.map((p) => p.id).sort(), missing: a.lostInputs.map((p) => p.id), alternatives: a.alternatives.map((e) => e.id), hops: a.hops }]));

describe('computeImpact', () => {
  it('keeps an output whose bill of materials does not need the lost input', () => {
    const result = computeImpact({
      network: network([{ label: 'Facility', id: 'mine' }], [
        { id: 'mine', produces: [['conc']] },
        { id: 'works', inflows: [flow('mine', 'works', 'conc')], consumes: ['salt'], produces: [['oxide', ['conc']], ['metal', ['salt']]] },
      ]),
      products: products({ conc: ['mine'], oxide: ['works'], metal: ['works'], salt: [] }),
    });
    expect(summary(result)).toEqual({
      works: { stops: false, lost: ['oxide'], missing: ['conc'], alternatives: [], hops: 1 },
      conc: { stops: true, lost: [], missing: [], alternatives: [], hops: 1 },
      oxide: { stops: true, lost: [], missing: [], alternatives: [], hops: 2 },
    });
  });

  it('loses nothing while another supplier still sends the same product', () => {
    const result = computeImpact({
      network: network([{ label: 'Facility', id: 'a' }], [
        { id: 'a', produces: [['conc']] },
        { id: 'b', produces: [['conc']] },
        { id: 'plant', inflows: [flow('a', 'plant', 'conc'), flow('b', 'plant', 'conc')], produces: [['oxide']] },
      ]),
      products: products({ conc: ['a', 'b'], oxide: ['plant'] }),
    });
    expect(summary(result)).toEqual({});
  });

  it('needs every input without a bill of materials, and any one of alternatives with one', () => {
    const plants = (requires?: string[]): Plant[] => [
      { id: 'a', produces: [['x']] },
      { id: 'b', produces: [['y']] },
      { id: 'plant', inflows: [flow('a', 'plant', 'x'), flow('b', 'plant', 'y')], produces: [['z', requires]] },
    ];
    const made = products({ x: ['a'], y: ['b'], z: ['plant'] });
    expect(summary(computeImpact({ network: network([{ label: 'Facility', id: 'a' }], plants()), products: made })).plant).toMatchObject({ stops: true, lost: ['z'] });
    expect(summary(computeImpact({ network: network([{ label: 'Facility', id: 'a' }], plants(['x|y'])), products: made })).plant).toMatchObject({ stops: false, lost: [], missing: ['x'] });
  });

  it('propagates through a chain and names other makers of a lost input as alternatives', () => {
    const result = computeImpact({
      network: network([{ label: 'Deposit', id: 'dep' }], [
        { id: 'mine', inflows: [flow('dep', 'mine')], produces: [['conc']] },
        { id: 'refinery', inflows: [flow('mine', 'refinery', 'conc')], produces: [['metal']] },
        { id: 'magnets', inflows: [flow('refinery', 'magnets', 'metal')], produces: [['magnet']] },
      ]),
      products: products({ conc: ['mine'], metal: ['refinery', 'elsewhere'], magnet: ['magnets'] }),
    });
    const s = summary(result);
    expect(s.magnets).toEqual({ stops: true, lost: ['magnet'], missing: ['metal'], alternatives: ['elsewhere'], hops: 3 });
    expect(s.metal).toBeUndefined(); // still made elsewhere
    expect(result.affected.find((a) => a.entity.id === 'magnets')!.path.nodes.map((n) => n.id)).toEqual(['dep', 'mine', 'refinery', 'magnets']);
  });

  it('treats a disrupted product as reaching no one, even an input with no supplier in the graph', () => {
    const result = computeImpact({
      network: network([{ label: 'Product', id: 'salt' }], [{ id: 'works', consumes: ['salt'], produces: [['metal', ['salt']]] }]),
      products: products({ salt: [], metal: ['works'] }),
    });
    expect(summary(result).works).toEqual({ stops: true, lost: ['metal'], missing: ['salt'], alternatives: [], hops: 1 });
  });

  it('reaches a plant fed a disrupted product by a named flow, through its sender', () => {
    const result = computeImpact({
      network: network([{ label: 'Product', id: 'conc' }], [
        { id: 'mine', produces: [['conc']] },
        { id: 'plant', inflows: [flow('mine', 'plant', 'conc')], produces: [['salt']] },
      ]),
      products: products({ conc: ['mine'], salt: ['plant'] }),
    });
    expect(summary(result).plant).toEqual({ stops: true, lost: ['salt'], missing: ['conc'], alternatives: [], hops: 2 });
    expect(summary(result).mine).toBeUndefined(); // it still makes the product; only what it sends is cut
    expect(result.affected.find((a) => a.entity.id === 'plant')!.path.links.map((l) => l.type)).toEqual(['PRODUCES', 'FEEDS']);
  });
});

