import { z } from 'zod';
import type { NamedQuery, Query } from '../executor';
import { PROPS } from '../rows';

/** The statements of the seed upgrade (import/seedUpgrade.ts). */

/** Every entity and figure with its labels and stored properties. */
export const STORED_NODES = {
  name: 'seedUpgrade.nodes',
  row: z.object({ id: z.string(), labels: z.array(z.string()), props: PROPS }),
  cypher: `
MATCH (n) WHERE n:Entity OR n:Figure
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props`,
};

/** Every relationship between entities and figures that has a key, with its type and properties. */
export const STORED_RELATIONSHIPS = {
  name: 'seedUpgrade.relationships',
  row: z.object({ key: z.string(), type: z.string(), from: z.string(), to: z.string(), props: PROPS }),
  cypher: `
MATCH (a)-[r]->(b)
WHERE (a:Entity OR a:Figure) AND (b:Entity OR b:Figure) AND r.key IS NOT NULL
RETURN r.key AS key, type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props`,
};

/** The audit trail's entries other than seed upgrades, oldest first: what curation created, changed or removed. */
export const CURATION_ENTRIES = {
  name: 'seedUpgrade.curation',
  row: z.object({ action: z.string(), target: z.string(), entityIds: z.array(z.string()), before: z.string().nullable(), after: z.string().nullable() }),
  cypher: `
MATCH (c:Change) WHERE c.action <> 'SEED_UPGRADE'
WITH c ORDER BY c.at, c.id
RETURN c.action AS action, c.target AS target, c.entityIds AS entityIds, c.before AS before, c.after AS after`,
};

/** Removes relationships by key (their type and ends come from STORED_RELATIONSHIPS). */
export const DELETE_RELATIONSHIPS_BY_KEY: NamedQuery = {
  name: 'seedUpgrade.deleteRelationships',
  cypher: `
UNWIND $keys AS key
MATCH (a)-[r {key: key}]->(b) WHERE (a:Entity OR a:Figure) AND (b:Entity OR b:Figure)
DELETE r`,
};

/** Removes entities and figures by id, with any relationship left on them. */
export const DELETE_NODES_BY_ID: NamedQuery = {
  name: 'seedUpgrade.deleteNodes',
  cypher: `
UNWIND $ids AS id
MATCH (n {id: id}) WHERE n:Entity OR n:Figure
DETACH DELETE n`,
};

/** The version of the seed the store was last loaded or upgraded from (null: never recorded). */
export const SEED_VERSION: Query<{ version: string | null }> = {
  name: 'seedUpgrade.version',
  row: z.object({ version: z.string().nullable() }),
  cypher: `OPTIONAL MATCH (s:SeedState {id: 'seed'}) RETURN s.version AS version`,
};

/** Whether the store holds the project's seed texts (`seed-…` sources): a store this project seeded. */
export const HOLDS_SEED_TEXTS = {
  name: 'seedUpgrade.holdsSeedTexts',
  row: z.object({ holds: z.boolean() }),
  cypher: `RETURN EXISTS { MATCH (s:Source) WHERE s.id STARTS WITH 'seed-' } AS holds`,
};

/** Records the seed version the store now holds. */
export const SET_SEED_VERSION: NamedQuery = {
  name: 'seedUpgrade.setVersion',
  cypher: `MERGE (s:SeedState {id: 'seed'}) SET s.version = $version`,
};
