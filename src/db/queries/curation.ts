import { z } from 'zod';
import type { NamedQuery, Query } from '../executor';
import type { RelationshipType } from '../../domain/graphModel';
import { PROPS, RAW_NODE, SOURCE } from '../rows';

const NODE_ROW = RAW_NODE;
/** A locked node: a node the writer waited for may have been deleted meanwhile, and has no properties (no id) then. */
const LOCKED_ROW = z.object({ labels: z.array(z.string()), props: PROPS });
const PROPS_ROW = z.object({ props: PROPS });
const STATE_ROW = z.object({ labels: z.array(z.string()).nullable(), props: PROPS.nullable() });
type NodeRow = z.infer<typeof NODE_ROW>;

/**
 * The statements of the write API. Labels and relationship types come from the allow-lists in
 * graphModel/models (checked by the caller), never from input; every value is a parameter.
 */

/*
 * Concurrent writers: a transaction that writes an entity, or a relationship of it, first takes the
 * entity's write lock, then reads its state. A second writer of the same entity waits for the first to
 * commit and reads what it committed, so two writers never both see "absent" (two CREATEs, two copies of
 * a relationship — Community Edition has no relationship key constraint) or the same "before". Setting and
 * removing a dummy property is how Cypher takes a node's write lock; it leaves no trace.
 */

/** The nodes writes lock: entities, and national figures (both unique on `id`). */
export type LockedLabel = 'Entity' | 'Figure';

/**
 * The node with an id, locked for this transaction; created as a bare placeholder (`_placeholder`) if
 * absent. The unique constraint on `id` makes a concurrent MERGE of the same id wait for this
 * transaction; the upsert overwrites the placeholder, and a rollback removes it. If the writer this one
 * waited for deleted the node, the lock is on a deleted node and the properties come back empty: run
 * it again, and it makes the placeholder (see `lockOrPlacehold` in curation/writes.ts).
 */
export const LOCK_OR_PLACEHOLD: Record<LockedLabel, Query<z.infer<typeof LOCKED_ROW>>> = {
  Entity: lockOrPlaceholdQuery('Entity'),
  Figure: lockOrPlaceholdQuery('Figure'),
};

function lockOrPlaceholdQuery(label: LockedLabel): Query<z.infer<typeof LOCKED_ROW>> {
  return {
    name: `curation.lockOrPlacehold${label}`,
    row: LOCKED_ROW,
    cypher: `
MERGE (n:${label} {id: $id})
ON CREATE SET n._placeholder = true
SET n._lock = true
REMOVE n._lock
RETURN labels(n) AS labels, properties(n) AS props`,
  };
}

/**
 * The nodes with the given ids, locked for this transaction; ids with no node are missing from the
 * result, as are nodes the writer this one waited for deleted (once locked, they have no properties).
 */
export const LOCK: Record<LockedLabel, Query<NodeRow>> = {
  Entity: lockQuery('Entity'),
  Figure: lockQuery('Figure'),
};

function lockQuery(label: LockedLabel): Query<NodeRow> {
  return {
    name: `curation.lock${label}`,
    row: NODE_ROW,
    cypher: `
UNWIND $ids AS id
MATCH (n:${label} {id: id})
SET n._lock = true
REMOVE n._lock
WITH n WHERE n.id IS NOT NULL
RETURN labels(n) AS labels, properties(n) AS props`,
  };
}

/**
 * The entity with an id, whatever its label. Read after LOCK.Entity, in a statement of its own, it is
 * the committed state: absent if a writer that held the lock deleted it.
 */
export const ENTITY_STATE = {
  name: 'curation.entityState',
  row: STATE_ROW,
  cypher: `
OPTIONAL MATCH (n:Entity {id: $id})
RETURN labels(n) AS labels, properties(n) AS props`,
};

/** What a facility takes in, as rule bill-of-materials counts inputs: named flows' products (else their source's id) and consumed products. */
export const FACILITY_INPUTS = {
  name: 'curation.facilityInputs',
  row: z.object({ input: z.string() }),
  cypher: `
MATCH (f:Entity {id: $id}) WHERE f:Facility
CALL (f) {
  MATCH (src)-[r:FEEDS|SUPPLIES]->(f)
  RETURN coalesce(r.product, src.id) AS input
  UNION
  MATCH (p:Product)-[:CONSUMED_BY]->(f)
  RETURN p.id AS input
}
RETURN input`,
};

/** The stored sources among the given ids. */
export const SOURCES_BY_ID = {
  name: 'curation.sourcesById',
  row: z.object({ source: SOURCE }),
  cypher: `
UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN {labels: labels(s), props: properties(s)} AS source`,
};

/** Every relationship of an entity, in both directions (what a delete would leave dangling). */
export const ENTITY_RELATIONSHIPS = {
  name: 'curation.entityRelationships',
  row: z.object({ key: z.string() }),
  cypher: `
MATCH (n:Entity {id: $id})-[r]-(other)
RETURN r.key AS key
ORDER BY key`,
};

/** Deletes an entity with its relationships and the figures only it reported. */
export const DELETE_ENTITY: NamedQuery = {
  name: 'curation.deleteEntity',
  cypher: `
MATCH (n:Entity {id: $id})
OPTIONAL MATCH (n)-[:HAS_FIGURE]->(f:Figure)
WHERE NOT EXISTS { MATCH (f)<-[:HAS_FIGURE]-(other) WHERE other <> n }
WITH n, collect(f) AS figures
FOREACH (f IN figures | DETACH DELETE f)
DETACH DELETE n
RETURN count(*) AS deleted`,
};

/** The relationship of a type between two entities, by its key. */
export function relationshipState(type: RelationshipType): Query<{ props: Record<string, unknown> | null }> {
  return {
    name: `curation.state${type}`,
    row: z.object({ props: PROPS.nullable() }),
    cypher: `
OPTIONAL MATCH (:Entity {id: $from})-[r:${type} {key: $key}]->(:Entity {id: $to})
RETURN properties(r) AS props`,
  };
}

/** Removes every relationship of a type from one entity to another. */
export function deleteRelationships(type: RelationshipType): Query<{ props: Record<string, unknown> }> {
  return {
    name: `curation.disconnect${type}`,
    row: PROPS_ROW,
    cypher: `
MATCH (:Entity {id: $from})-[r:${type}]->(:Entity {id: $to})
WITH r, properties(r) AS props
DELETE r
RETURN props`,
  };
}

/** The figure with an id and the regions that report it (read after locking it: the committed state, or its placeholder). */
export const FIGURE_STATE = {
  name: 'curation.figureState',
  row: z.object({ props: PROPS.nullable(), regions: z.array(z.string()) }),
  cypher: `
OPTIONAL MATCH (f:Figure {id: $id})
RETURN properties(f) AS props, [(r:Entity)-[:HAS_FIGURE]->(f) | r.id] AS regions`,
};

/**
 * Writes a figure's whole property map and reports it for `$region` only: the link from any other
 * region goes, the link from `$region` is upserted on its key (`$linkProps`, as an import would store it).
 */
export const UPSERT_FIGURE = {
  name: 'curation.upsertFigure',
  row: PROPS_ROW,
  cypher: `
MATCH (f:Figure {id: $id})
MATCH (region:Entity {id: $region}) WHERE region:Region
SET f = $props
WITH f, region
CALL (f, region) {
  MATCH (other)-[old:HAS_FIGURE]->(f) WHERE other <> region
  DELETE old
}
MERGE (region)-[link:HAS_FIGURE {key: $linkProps.key}]->(f)
SET link = $linkProps
RETURN properties(f) AS props`,
};

/** Deletes a figure with the links that report it. */
export const DELETE_FIGURE: NamedQuery = {
  name: 'curation.deleteFigure',
  cypher: `
MATCH (f:Figure {id: $id})
DETACH DELETE f`,
};
