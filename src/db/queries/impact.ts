import { z } from 'zod';
import type { Query } from '../executor';
import { PROPS, RAW_LINK, RAW_NODE } from '../rows';
import { MAX_HOPS, RAW, RAW_LINKS, Variants, entries, exists, hop, linkActive, type TimeMode } from './traversal';

/**
 * Cypher of `impact`: the statements fetch the part of the graph a disruption can reach; which outputs
 * are lost is decided in db/impact.ts from the bills of materials, where the rule reads as code.
 *
 * `impact.network` returns one row: the disrupted entries (a region or company stands for what lies in
 * it or what it runs, an element for the products containing it) with the path to each; every
 * facility reachable from them along named flows between facilities (FEEDS, SUPPLIES), within the hop
 * bound, with what it takes in, what it makes and from what, its first stage and its country; and the
 * products involved (disrupted, or made, consumed or received by those facilities), each with every
 * facility that makes it and its first stage.
 */

/** A facility of the network: its inflows, consumed products, productions, first stage and country. */
const NETWORK_FACILITY = z.object({
  facility: RAW_NODE,
  inflows: z.array(RAW_LINK),
  consumes: z.array(z.object({ product: z.string(), props: PROPS })),
  produces: z.array(z.object({ product: z.string(), props: PROPS })),
  stage: z.string().nullable(),
  country: z.string().nullable(),
});
export type NetworkFacilityRow = z.infer<typeof NETWORK_FACILITY>;

/** A product involved: every facility that makes it (existing in the time mode) and its first stage. */
const PRODUCT_ROW = z.object({ product: RAW_NODE, makers: z.array(RAW_NODE), stage: z.string().nullable() });
export type ProductRow = z.infer<typeof PRODUCT_ROW>;

const NETWORK_ROW = z.object({
  entries: z.array(z.object({ entity: RAW_NODE, nodes: z.array(RAW_NODE), links: z.array(RAW_LINK) })),
  facilities: z.array(NETWORK_FACILITY),
  products: z.array(PRODUCT_ROW),
});
export type NetworkRow = z.infer<typeof NETWORK_ROW>;

const networkVariants = new Variants(NETWORK_ROW);

export function impactNetworkQuery(maxHops: number, time: Exclude<TimeMode, 'history'>): Query<NetworkRow> {
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > MAX_HOPS) throw new Error(`maxHops out of range: ${maxHops}`);
  return networkVariants.get('impact.network', `${maxHops}:${time}`, () => `
UNWIND $ids AS sid
MATCH (start:Entity {id: sid})
${entries('disruption', time)}
WITH collect({entity: ${RAW('a')}, nodes: [n IN nodes(p0) | ${RAW('n')}], links: ${RAW_LINKS('relationships(p0)')}}) AS entries,
  collect(DISTINCT a) AS cut
CALL (cut) {
  // Where the disruption enters the facility network: the disrupted facilities and deposits, the
  // facilities consuming a disrupted product, and those sending a flow that carries one (their
  // receivers are one hop on).
  UNWIND cut AS c
  CALL (c) {
    WITH c WHERE c:Facility OR c:Deposit
    RETURN c AS s
    UNION
    WITH c WHERE c:Product
    MATCH (c)-[:CONSUMED_BY]->(s:Facility)
    RETURN s
    UNION
    WITH c WHERE c:Product
    MATCH (s:Facility)-[:FEEDS {product: c.id}]->(:Facility)
    RETURN s
    UNION
    WITH c WHERE c:Product
    MATCH (s:Facility)-[:SUPPLIES {product: c.id}]->(:Facility)
    RETURN s
  }
  // Along named flows only: FEEDS and SUPPLIES end at facilities (or companies, which hop leaves out).
  MATCH (s)${hop('down', 'FEEDS|SUPPLIES', time)}{0,${maxHops}}(f:Facility)
  WHERE ${exists('f', time)}
  RETURN collect(DISTINCT f) AS network
}
UNWIND (CASE WHEN size(network) = 0 THEN [null] ELSE network END) AS f
WITH entries, f,
  [(src)-[r:FEEDS|SUPPLIES]->(f) WHERE NOT src:Company AND ${linkActive('r', time)} AND ${exists('src', time)}
    | {type: type(r), props: properties(r), from: src.id, to: f.id}] AS inflows,
  [(p:Product)-[r:CONSUMED_BY]->(f) | {product: p.id, props: properties(r)}] AS consumes,
  [(f)-[r:PRODUCES]->(p:Product) WHERE ${linkActive('r', time)} | {product: p.id, props: properties(r)}] AS produces
CALL (f) {
  OPTIONAL MATCH (f)-[:AT_STAGE]->(stage:SupplyChainStage)
  WITH stage ORDER BY stage.order LIMIT 1
  RETURN stage.name AS stage
}
CALL (f) {
  OPTIONAL MATCH (f)-[:PART_OF*0..3]->(:Facility)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..6]->(country:Region {kind: 'country'})
  RETURN country.name AS country LIMIT 1
}
WITH entries, [x IN collect(CASE WHEN f IS NULL THEN null ELSE {facility: ${RAW('f')}, inflows: inflows, consumes: consumes,
  produces: produces, stage: stage, country: country} END) WHERE x IS NOT NULL] AS facilities
CALL (entries, facilities) {
  // The products involved: the disrupted ones, and those the network's facilities make, consume or
  // receive by a flow; with their makers, db/impact.ts finds the facilities that could supply instead.
  UNWIND [e IN entries WHERE 'Product' IN e.entity.labels | e.entity.props.id] + reduce(ids = [], x IN facilities |
    ids + [m IN x.produces | m.product] + [c IN x.consumes | c.product] + [l IN x.inflows WHERE l.props.product IS NOT NULL | l.props.product]) AS pid
  WITH DISTINCT pid
  MATCH (p:Entity {id: pid}) WHERE p:Product
  WITH p, [(m:Facility)-[r:PRODUCES]->(p) WHERE ${linkActive('r', time)} AND ${exists('m', time)} | ${RAW('m')}] AS makers
  CALL (p) {
    OPTIONAL MATCH (p)-[:AT_STAGE]->(stage:SupplyChainStage)
    WITH stage ORDER BY stage.order LIMIT 1
    RETURN stage.name AS stage
  }
  RETURN collect({product: ${RAW('p')}, makers: makers, stage: stage}) AS products
}
RETURN entries, facilities, products`);
}
