import { z } from 'zod';
import type { Query } from '../executor';
import { ENTITY, PROPS } from '../rows';

const CAPACITY_ROW = z.object({ facility: ENTITY, link: PROPS.nullable(), country: ENTITY.nullable(), operator: ENTITY.nullable(), region: ENTITY.nullable() });
export type CapacityRow = z.infer<typeof CAPACITY_ROW>;

/** Where a capacity report's facilities are found: from its product, from its stage, or among all facilities. */
export type CapacityScope = 'product' | 'stage' | 'all';

/**
 * The first facilities a report reads, each from the most selective thing given: the makers of the
 * product, the facilities at the stage, or every facility (a commodity alone, or nothing). Each is
 * then filtered by all that was given. Reading every facility and keeping the product's makers took
 * 1.25 s on the 1M graph for one product.
 */
const CANDIDATES: Readonly<Record<CapacityScope, string>> = {
  product: 'MATCH (:Entity {id: $product})<-[:PRODUCES]-(f:Facility)\nWITH DISTINCT f',
  stage: 'MATCH (:Entity {id: $stage})<-[:AT_STAGE]-(f:Facility)\nWITH DISTINCT f',
  all: 'MATCH (f:Facility)',
};

/**
 * The facilities at a stage (for a commodity family, when given) and/or producing a product, with what capacity needs: the facility, the
 * production link's properties (for a product), and its country, first operator and direct region.
 * Time is filtered in the caller (db/capacity.ts), which must list what it leaves out.
 */
export const CAPACITY_FACILITIES: Readonly<Record<CapacityScope, Query<CapacityRow>>> = {
  product: capacityFacilities('product'),
  stage: capacityFacilities('stage'),
  all: capacityFacilities('all'),
};

function capacityFacilities(scope: CapacityScope): Query<CapacityRow> {
  return {
    name: `capacity.facilities.${scope}`,
    row: CAPACITY_ROW,
    cypher: `
${CANDIDATES[scope]}
WHERE (($stage IS NULL AND $commodity IS NULL)
    OR EXISTS { (f)-[a:AT_STAGE]->(s:SupplyChainStage) WHERE ($stage IS NULL OR s.id = $stage) AND ($commodity IS NULL OR $commodity IN a.commodities) })
  AND ($product IS NULL OR EXISTS { (f)-[:PRODUCES]->(:Entity {id: $product}) })
CALL (f) {
  OPTIONAL MATCH (f)-[p:PRODUCES]->(:Entity {id: $product})
  RETURN properties(p) AS link LIMIT 1
}
CALL (f) {
  OPTIONAL MATCH (f)-[:PART_OF*0..3]->(:Facility)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..6]->(c:Region {kind: 'country'})
  RETURN c LIMIT 1
}
CALL (f) {
  OPTIONAL MATCH (o:Company)-[:OPERATES]->(f)
  WITH o ORDER BY o.name
  RETURN o LIMIT 1
}
CALL (f) {
  OPTIONAL MATCH (f)-[:LOCATED_IN]->(r:Region)
  WITH r ORDER BY r.name
  RETURN r LIMIT 1
}
RETURN {labels: labels(f), props: properties(f)} AS facility, link,
  CASE WHEN c IS NULL THEN null ELSE {labels: labels(c), props: properties(c)} END AS country,
  CASE WHEN o IS NULL THEN null ELSE {labels: labels(o), props: properties(o)} END AS operator,
  CASE WHEN r IS NULL THEN null ELSE {labels: labels(r), props: properties(r)} END AS region
ORDER BY f.name, f.id`,
  };
}
