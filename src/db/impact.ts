import type { Executor } from './executor';
import { DecodeError } from '../errors';
import { errorMessage } from '../domain/guards';
import { inputKey, parseRequirement, type Requirement } from '../domain/materials';
import { type EntityRecord, type ImpactCountRecord, type ImpactedRecord, type ImpactRecord, type RawNode, type RelationRecord, stringList, toEntityRecord } from './models';
import { impactNetworkQuery, type NetworkRow, type ProductRow } from './queries/impact';
import { MAX_ALTERNATIVES } from './queries/traversal';

/**
 * What a disruption stops, material by material.
 *
 * A disrupted facility or deposit sends nothing; a disrupted product (or the products containing a
 * disrupted element) reaches no one. A facility keeps an output while every requirement of its bill of
 * materials still has a supplier: an input is lost when every flow bringing it comes from something
 * that has lost it (an input known only as CONSUMED_BY, with no supplier in the graph, is lost only
 * when the product itself is disrupted). Without a bill of materials an output needs every input. The
 * rule is applied until nothing changes. A product is affected when every facility making it has lost
 * it. Each affected entity gets the shortest chain of lost links from the disruption, and, for the
 * inputs it lost, the facilities outside the disruption that make them (where it could buy instead).
 */

type Link = { type: string; props: Record<string, unknown>; from: string; to: string };

/** The input a flow brings: its product, or where it comes from (a deposit's ore). */
const keyOf = (flow: Link): string => inputKey({ from: flow.from, product: flow.props.product });

interface Facility {
  readonly id: string;
  readonly raw: RawNode;
  readonly inflows: readonly Link[];
  /** Products consumed, with the CONSUMED_BY link. */
  readonly consumes: ReadonlyMap<string, Link>;
  /** Output key (a product id, or the facility's own id for flows naming no product) → its requirements. */
  readonly outputs: Map<string, readonly Requirement[] | null>;
  readonly produces: ReadonlyMap<string, Link>;
  readonly stage: string | null;
  readonly country: string | null;
}

/** What a disruption reaches, as the impact statement returns it: the entries and facilities, and the products involved. */
export interface ImpactNetwork {
  readonly network: Omit<NetworkRow, 'products'>;
  readonly products: readonly ProductRow[];
}

export interface ComputedImpact {
  readonly affected: ImpactedRecord[];
}

function facilitiesOf(network: ImpactNetwork['network']): Map<string, Facility> {
  const facilities = new Map<string, Facility>();
  for (const row of network.facilities) {
    const id = row.facility.props.id;
    const produces = new Map(row.produces.map((p) => [p.product, { type: 'PRODUCES', props: p.props, from: id, to: p.product }]));
    const outputs = new Map<string, readonly Requirement[] | null>();
    for (const [product, link] of produces) {
      const requires = link.props.requires;
      outputs.set(product, Array.isArray(requires) ? stringList(requires).map(parseRequirement) : null);
    }
    facilities.set(id, {
      id,
      raw: row.facility,
      inflows: row.inflows,
      consumes: new Map(row.consumes.map((c) => [c.product, { type: 'CONSUMED_BY', props: c.props, from: c.product, to: id }])),
      outputs,
      produces,
      stage: row.stage,
      country: row.country,
    });
  }
  // What a facility sends that it is not recorded as making (a flow naming no product, or another one).
  for (const f of facilities.values()) {
    for (const flow of f.inflows) {
      const source = facilities.get(flow.from);
      const key = keyOf(flow);
      if (source && !source.outputs.has(key)) source.outputs.set(key, null);
    }
  }
  return facilities;
}

/** Decides what is lost; pure, so its rules are unit-tested without a database. */
export function computeImpact({ network, products }: ImpactNetwork): ComputedImpact {
  const facilities = facilitiesOf(network);
  const cut = new Set(network.entries.map((e) => e.entity.props.id));
  const cutProducts = new Set(network.entries.filter((e) => e.entity.labels.includes('Product')).map((e) => e.entity.props.id));
  const lost = new Map<string, Set<string>>();
  const hasLost = (source: string, key: string) => cut.has(source) || cutProducts.has(key) || (lost.get(source)?.has(key) ?? false);
  const flowLost = (flow: Link) => hasLost(flow.from, keyOf(flow));

  const inputKeys = (f: Facility): string[] => [...new Set([...f.inflows.map(keyOf), ...f.consumes.keys()])];
  const available = (f: Facility, key: string): boolean => {
    if (cutProducts.has(key)) return false;
    const bringing = f.inflows.filter((flow) => keyOf(flow) === key);
    return bringing.length === 0 || bringing.some((flow) => !flowLost(flow));
  };
  const requirements = (f: Facility, output: string): readonly Requirement[] => f.outputs.get(output) ?? inputKeys(f).map((k) => [k]);

  for (let changed = true; changed; ) {
    changed = false;
    for (const f of facilities.values()) {
      if (cut.has(f.id)) continue;
      for (const output of f.outputs.keys()) {
        if (lost.get(f.id)?.has(output)) continue;
        if (requirements(f, output).some((req) => req.length > 0 && req.every((k) => !available(f, k)))) {
          lost.set(f.id, (lost.get(f.id) ?? new Set()).add(output));
          changed = true;
        }
      }
    }
  }

  // Nodes by id for paths: the disrupted entries and what their paths pass, the network, the products.
  const raws = new Map<string, RawNode>();
  for (const e of network.entries) for (const n of [e.entity, ...e.nodes]) raws.set(n.props.id, n);
  for (const f of facilities.values()) raws.set(f.id, f.raw);
  const productRows = new Map(products.map((p) => [p.product.props.id, p]));
  for (const p of products) raws.set(p.product.props.id, p.product);

  // Lost links, from the disruption outwards.
  const edges: Link[] = [];
  const lostInputsOf = new Map<string, Set<string>>();
  for (const f of facilities.values()) {
    if (cut.has(f.id)) continue;
    for (const flow of f.inflows) if (flowLost(flow)) edges.push(flow);
    for (const [product, link] of f.consumes) if (cutProducts.has(product)) edges.push(link);
    const lostInputs = inputKeys(f).filter((k) => !available(f, k));
    if (lostInputs.length > 0) lostInputsOf.set(f.id, new Set(lostInputs));
  }
  const lostProducts = new Set<string>();
  for (const [pid, row] of productRows) {
    if (cutProducts.has(pid) || row.makers.length === 0) continue;
    if (row.makers.every((m) => hasLost(m.props.id, pid))) {
      lostProducts.add(pid);
      for (const m of row.makers) {
        const link = facilities.get(m.props.id)?.produces.get(pid);
        if (link) edges.push(link);
      }
    }
  }

  // Shortest chains: breadth-first from the entries, each starting with the entry's own path.
  const best = new Map<string, { nodes: string[]; links: Link[] }>();
  let frontier: string[] = [];
  for (const e of [...network.entries].sort((a, b) => a.links.length - b.links.length)) {
    const id = e.entity.props.id;
    if (best.has(id)) continue;
    best.set(id, { nodes: e.nodes.map((n) => n.props.id), links: e.links });
    frontier.push(id);
  }
  // A step of a chain: from `at` over `link` to `next` (the link keeps its stored direction).
  const outgoing = new Map<string, { link: Link; next: string }[]>();
  const step = (at: string, link: Link, next: string) => outgoing.set(at, [...(outgoing.get(at) ?? []), { link, next }]);
  for (const edge of edges) step(edge.from, edge, edge.to);
  // A flow carrying a disrupted product starts at its source: reached from the product over the
  // source's PRODUCES link when one is recorded, else a chain of its own from the source.
  for (const f of facilities.values()) {
    for (const flow of f.inflows) {
      const product = keyOf(flow);
      if (!cutProducts.has(product)) continue;
      const made = facilities.get(flow.from)?.produces.get(product);
      if (made) step(product, made, flow.from);
      else if (raws.has(flow.from) && !best.has(flow.from)) {
        best.set(flow.from, { nodes: [flow.from], links: [] });
        frontier.push(flow.from);
      }
    }
  }
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const here = best.get(id)!;
      for (const { link, next: to } of outgoing.get(id) ?? []) {
        if (best.has(to)) continue;
        best.set(to, { nodes: [...here.nodes, to], links: [...here.links, link] });
        next.push(to);
      }
    }
    frontier = next;
  }

  const entity = (id: string): EntityRecord => {
    const raw = raws.get(id);
    if (!raw) throw new Error(`impact: node ${id} was not fetched`);
    return toEntityRecord(raw);
  };
  const pathOf = (id: string) => {
    const chain = best.get(id);
    if (!chain) return null;
    const nodes = chain.nodes.map(entity);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const links = chain.links.map((l): RelationRecord => ({ type: l.type, props: l.props, from: byId.get(l.from)!, to: byId.get(l.to)! }));
    return { nodes, links };
  };

  const affected: ImpactedRecord[] = [];
  for (const f of facilities.values()) {
    if (cut.has(f.id)) continue;
    const lostOutputs = [...(lost.get(f.id) ?? [])].sort();
    const lostInputs = [...(lostInputsOf.get(f.id) ?? [])];
    const path = pathOf(f.id);
    if (!path || (lostOutputs.length === 0 && lostInputs.length === 0)) continue;
    const alternatives = new Map<string, EntityRecord>();
    for (const input of lostInputs) {
      for (const maker of productRows.get(input)?.makers ?? []) {
        const id = maker.props.id;
        if (id !== f.id && !hasLost(id, input) && alternatives.size < MAX_ALTERNATIVES) alternatives.set(id, toEntityRecord(maker));
      }
    }
    affected.push({
      entity: toEntityRecord(f.raw),
      hops: path.links.length,
      path,
      stops: f.outputs.size > 0 ? lostOutputs.length === f.outputs.size : lostInputs.length === inputKeys(f).length,
      lostOutputs: lostOutputs.filter((k) => productRows.has(k)).map(entity),
      lostInputs: lostInputs.filter((k) => raws.has(k)).map(entity),
      alternatives: [...alternatives.values()],
      stage: f.stage,
      country: f.country,
    });
  }
  for (const pid of lostProducts) {
    const path = pathOf(pid);
    if (!path) continue;
    affected.push({ entity: entity(pid), hops: path.links.length, path, stops: true, lostOutputs: [], lostInputs: [], alternatives: [], stage: productRows.get(pid)?.stage ?? null, country: null });
  }
  affected.sort((a, b) => a.hops - b.hops || a.entity.data.name.localeCompare(b.entity.data.name) || a.entity.id.localeCompare(b.entity.id));
  return { affected };
}

function countBy(affected: readonly ImpactedRecord[], key: (a: ImpactedRecord) => string | null): ImpactCountRecord[] {
  const counts = new Map<string, { count: number; fullyExposed: number }>();
  for (const a of affected) {
    const k = key(a);
    if (k === null) continue;
    const c = counts.get(k) ?? { count: 0, fullyExposed: 0 };
    c.count++;
    if (a.stops) c.fullyExposed++;
    counts.set(k, c);
  }
  return [...counts].map(([k, c]) => ({ key: k, ...c })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** What `impactOf` answers: everything affected, and the disrupted entities its statement matched. */
export interface ImpactAnswer {
  readonly impact: Omit<ImpactRecord, 'disrupted'>;
  /**
   * The entities of `ids` the statement started from, as each entry's path begins at one: a disruption
   * that reaches anything matched its entity by that id. An id missing here is missing from the store,
   * a former id, or an entity whose disruption enters nothing (the caller looks those up).
   */
  readonly matched: ReadonlyMap<string, EntityRecord>;
}

/** Everything affected if `ids` stop, and the disrupted entities the statement matched. */
export async function impactOf(
  db: Executor,
  ids: readonly string[],
  options: { readonly maxHops: number; readonly asOf?: number | null; readonly limit: number },
): Promise<ImpactAnswer> {
  const time = options.asOf != null ? 'asOf' : 'current';
  const networkQuery = impactNetworkQuery(options.maxHops, time);
  const params = { asOf: options.asOf ?? null, includeHistorical: false };
  const [network] = await db.read(networkQuery, { ids, ...params });
  if (!network) return { impact: { affected: [], byKind: [], byStage: [], byCountry: [] }, matched: new Map() };
  let computed: ComputedImpact;
  try {
    computed = computeImpact({ network, products: network.products });
  } catch (error) {
    throw new DecodeError(networkQuery.name, errorMessage(error));
  }
  const affected = computed.affected.slice(0, options.limit);
  const matched = new Map<string, EntityRecord>();
  for (const entry of network.entries) {
    const start = entry.nodes[0];
    if (start && ids.includes(start.props.id)) matched.set(start.props.id, toEntityRecord(start));
  }
  return {
    impact: {
      affected,
      byKind: countBy(affected, (a) => a.entity.kind),
      byStage: countBy(affected, (a) => a.stage),
      byCountry: countBy(affected, (a) => (a.entity.kind === 'FACILITY' ? a.country : null)),
    },
    matched,
  };
}
