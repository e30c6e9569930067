/**
 * The samples the benchmark asks about, chosen on the loaded graph among deterministic candidates
 * by deterministic queries.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { FLOW_TYPES } from '../../src/domain/graphModel';
import { spread } from './random';
import { depositId, facilityId, facilityPlace, type Plan } from './plan';

/** ids the benchmark asks about */
export interface Samples {
  hubDeposit: string;
  facility: string;
  hubFacility: string;
  pathFrom: string;
  pathTo: string;
  searchText: string;
  region: string;
  /** The element contained in the most products that some facility makes (the `element` operation). */
  element: string;
}

// ---------------------------------------------------------------------------------------------
// Samples: chosen on the loaded graph, among deterministic candidates, by deterministic queries

const FLOW = FLOW_TYPES.join('|');
/** The hop the server's traversals take by default: no companies, no ended links or sites. */
const ACTIVE_HOP = `((x)-[r:${FLOW}]->(y) WHERE NOT y:Company AND coalesce(r.status, '') <> 'historical'
  AND (NOT y:Facility OR NOT y.status IN ['historical', 'suspended']))`;

export async function read<T>(driver: Driver, database: string, cypher: string, params: Record<string, unknown>): Promise<T[]> {
  const { records } = await driver.executeQuery(cypher, params, { database, routing: neo4j.routing.READ });
  return records.map((r) => r.toObject() as T);
}

/** Turns a count that may come back as a driver Integer into a number. */
export function num(value: unknown): number {
  return neo4j.isInt(value) ? value.toNumber() : Number(value);
}

export async function chooseSamples(driver: Driver, database: string, plan: Plan): Promise<Samples> {
  // The hub: the plant with most inputs among the top Zipf ranks of every network and layer.
  const hubCandidates: string[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    for (let layer = 1; layer < 5; layer++) {
      for (let rank = 0; rank < 2; rank++) hubCandidates.push(facilityId(c, layer, spread(rank, plan.layerSizes[layer]!, c * 31 + layer - 1), plan));
    }
  }
  const [hub] = await read<{ id: string; inputs: unknown }>(
    driver,
    database,
    `UNWIND $ids AS id MATCH (f:Entity {id: id})
RETURN f.id AS id, COUNT { (f)<-[:FEEDS]-() } AS inputs ORDER BY inputs DESC, id LIMIT 1`,
    { ids: hubCandidates },
  );

  // Deposits of the first network: the one with most dependents within 6 hops is the hub deposit,
  // the runner-up starts the path.
  const depositCandidates = Array.from({ length: Math.min(40, plan.depositsPerCluster) }, (_, j) => depositId(0, j, plan));
  const deposits = await read<{ id: string; dependents: unknown }>(
    driver,
    database,
    `UNWIND $ids AS id MATCH (d:Deposit {id: id})
CALL (d) { MATCH ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(t) RETURN count(t) AS dependents }
RETURN d.id AS id, dependents ORDER BY dependents DESC, id`,
    { ids: depositCandidates },
  );
  const hubDeposit = deposits[0]?.id;
  const pathFrom = deposits[1]?.id ?? hubDeposit;
  if (!hub || !hubDeposit || !pathFrom) throw new Error('choosing samples failed: no hub facility or deposit found');

  // The farthest magnet/component plant downstream of pathFrom within 6 hops (the chain
  // deposit → mine → concentrator → separation → metal → component plant is 5 hops), so the
  // paths query (8 hops by default) also finds longer alternatives.
  const [pathTo] = await read<{ id: string }>(
    driver,
    database,
    `MATCH (d:Entity {id: $from})
MATCH p = ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(f:Facility)
WHERE EXISTS { (f)-[:AT_STAGE]->(:Entity {id: 'stage-component'}) }
RETURN f.id AS id, length(p) AS hops ORDER BY hops DESC, id LIMIT 1`,
    { from: pathFrom },
  );
  if (!pathTo) throw new Error(`choosing samples failed: no component plant downstream of ${pathFrom}`);

  // A mid-chain (separation or metal) plant downstream of the hub deposit, operating, with an
  // operator, a region and inputs, and a moderate number of dependents within 8 hops (the impact
  // query looks upstream from each of them).
  const [facility] = await read<{ id: string; country: string; dependents: unknown }>(
    driver,
    database,
    `MATCH (d:Entity {id: $from})
MATCH ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(f:Facility {status: 'operating'})
WHERE EXISTS { (f)-[:AT_STAGE]->(s) WHERE s.id IN ['stage-separation', 'stage-metal-alloy'] }
  AND EXISTS { (:Company)-[:OPERATES]->(f) } AND EXISTS { ()-[:FEEDS]->(f) }
WITH f ORDER BY f.id LIMIT 30
CALL (f) { MATCH ANY SHORTEST (f)${ACTIVE_HOP}{1,8}(t) RETURN count(t) AS dependents }
MATCH (f)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..6]->(country:Region {kind: 'country'})
WITH f, country, dependents WHERE dependents >= 5
RETURN f.id AS id, country.id AS country, dependents ORDER BY dependents, f.id LIMIT 1`,
    { from: hubDeposit },
  );
  if (!facility) throw new Error(`choosing samples failed: no mid-chain facility downstream of ${hubDeposit}`);

  const [element] = await read<{ id: string }>(
    driver,
    database,
    `MATCH (e:Element)
RETURN e.id AS id, COUNT { (e)<-[:CONTAINS]-(p:Product) WHERE EXISTS { (:Facility)-[:PRODUCES]->(p) } } AS products
ORDER BY products DESC, id LIMIT 1`,
    {},
  );
  if (!element) throw new Error('choosing samples failed: no element in a product some facility makes');
  return {
    hubDeposit,
    facility: facility.id,
    hubFacility: hub.id,
    pathFrom,
    pathTo: pathTo.id,
    searchText: facilityPlace(plan, Number(facility.id.slice('syn-fac-'.length))),
    region: facility.country,
    element: element.id,
  };
}
