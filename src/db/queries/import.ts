import { z } from 'zod';
import type { Query } from '../executor';
import { NODE_LABELS, RELATIONSHIP_TYPE_NAMES, isNodeLabel, type NodeLabel, type RelationshipType } from '../../domain/graphModel';
import { INTEGER, NODE_PROPS, PROPS } from '../rows';

/**
 * The write statements of every path that stores facts: the seed loader, the bulk import (CLI and the
 * `importRecords` mutation) and the curation mutations all write sources, nodes and relationships with
 * these, so a fact is stored the same way whichever way it arrives.
 *
 * Nodes and sources are MERGEd on their `id` (unique-constrained); a relationship is MERGEd on its `key`
 * property between its two ends (Community Edition cannot constrain relationship keys: writers of the
 * same entity are serialised by locks instead, see curation.ts), or CREATEd when an end is new (see
 * CREATE_RELATIONSHIPS). Running a statement again with the same rows changes nothing: that is what makes
 * reruns converge. Labels and types come from the allow-list in domain/graphModel, written into the
 * statement text or checked by it, never from the data's text; values travel as `$rows`.
 */

/**
 * Creates or updates sources. `row.props` holds the fields to set: a null removes the field, so the
 * import (which sends every field) replaces a source, and a mutation (which sends the fields given)
 * updates those only.
 */
export const UPSERT_SOURCES = {
  name: 'write.sources',
  row: z.object({ written: INTEGER }),
  cypher: `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s += row.props
RETURN count(*) AS written`,
};

/** One row per node written: its labels and stored properties, and whether the statement created it. */
const NODE_WRITE_ROW = z.object({ labels: z.array(z.string()), props: NODE_PROPS, created: z.boolean() });
type NodeWriteRow = z.infer<typeof NODE_WRITE_ROW>;
/** One row per relationship written: its stored properties. */
const LINK_ROW = z.object({ props: PROPS });
type LinkRow = z.infer<typeof LINK_ROW>;

/** Cypher list literals of the allow-lists, for the statements whose label or type is a row's value. */
const cypherList = (names: readonly string[]) => `[${names.map((name) => `'${name}'`).join(', ')}]`;
const ENTITY_LABEL_LIST = cypherList(NODE_LABELS.filter((label) => label !== 'Figure'));

/**
 * Creates or replaces entities of any label: rows `{id, label, props}`, `props` the whole stored record
 * (the caller merged any stored state into it). One statement for every label, so a fresh Neo4j plans
 * one statement where it planned seven (each a few hundred milliseconds right after it starts). The
 * label is a row's value checked against the allow-list in the statement itself: a row with another
 * label writes nothing and returns no row, which the caller's count check reports. `created` is true
 * for an entity this statement created (the relationship writes below rely on it).
 */
export const UPSERT_ENTITIES: Query<NodeWriteRow> = {
  name: 'write.entities',
  row: NODE_WRITE_ROW,
  cypher: `
UNWIND $rows AS row
WITH row WHERE row.label IN ${ENTITY_LABEL_LIST}
MERGE (n:Entity {id: row.id})
ON CREATE SET n._created = true
WITH n, row, n._created IS NOT NULL AS created
SET n:$(row.label)
SET n = row.props
WITH n, created
// A renamed or merged entity keeps answering to its former ids (node(id:), traversal starts).
FOREACH (old IN coalesce(n.formerIds, []) | MERGE (r:Redirect {id: old}) MERGE (r)-[:REDIRECTS_TO]->(n))
RETURN labels(n) AS labels, properties(n) AS props, created`,
};

/** Creates or replaces figures: rows `{id, props}` as for entities. */
export const UPSERT_FIGURES: Query<NodeWriteRow> = {
  name: 'write.figures',
  row: NODE_WRITE_ROW,
  cypher: `
UNWIND $rows AS row
MERGE (n:Figure {id: row.id})
ON CREATE SET n._created = true
WITH n, row, n._created IS NOT NULL AS created
SET n = row.props
RETURN labels(n) AS labels, properties(n) AS props, created`,
};

const RELATIONSHIP_STATEMENTS = new Map<RelationshipType, Query<LinkRow>>(
  RELATIONSHIP_TYPE_NAMES.map((type) => [
    type,
    {
      name: `write.relationships.${type}`,
      row: LINK_ROW,
      // A row whose end is missing matches nothing and returns no row: the caller compares the counts.
      cypher: `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:${type === 'HAS_FIGURE' ? 'Figure' : 'Entity'} {id: row.to})
MERGE (a)-[r:${type} {key: row.key}]->(b)
SET r = row.props
RETURN properties(r) AS props`,
    },
  ]),
);

/**
 * Creates relationships of any type with an end that the same transaction created: rows `{type, from,
 * to, key, props}`. No relationship can exist yet at a node created in this transaction (nor can another
 * transaction see the node before this one commits), and keys are unique per type within an import, so
 * CREATE writes what MERGE would. That turns a fresh store's 21 relationship statements into this one
 * (a MERGE with a dynamic type is planned as a scan of every relationship, a CREATE is not). The type is
 * checked against the allow-list, and a row with a missing end returns no row, as in the MERGEs above.
 */
export const CREATE_RELATIONSHIPS: Query<LinkRow> = {
  name: 'write.relationships.new',
  row: LINK_ROW,
  cypher: `
UNWIND $rows AS row
WITH row WHERE row.type IN ${cypherList(RELATIONSHIP_TYPE_NAMES)}
MATCH (a:Entity {id: row.from})
OPTIONAL MATCH (entity:Entity {id: row.to}) WHERE row.type <> 'HAS_FIGURE'
OPTIONAL MATCH (figure:Figure {id: row.to}) WHERE row.type = 'HAS_FIGURE'
WITH a, row, coalesce(entity, figure) AS b WHERE b IS NOT NULL
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN properties(r) AS props`,
};

/** Writes nodes of one label: rows `{id, label, props}`, `props` the whole stored record (`sourceIds` included). */
export function upsertNodes(label: NodeLabel): Query<NodeWriteRow> {
  if (!isNodeLabel(label)) throw new Error(`no write statement for label ${String(label)}`);
  return label === 'Figure' ? UPSERT_FIGURES : UPSERT_ENTITIES;
}

/** Writes relationships of one type: rows `{from, to, key, props}`, `props` the whole stored record (`key` and `sourceIds` included). */
export function upsertRelationships(type: RelationshipType): Query<LinkRow> {
  const query = RELATIONSHIP_STATEMENTS.get(type);
  if (!query) throw new Error(`no write statement for relationship type ${type}`);
  return query;
}

/** Which of the given ids exist: entities and figures (with their labels) and sources, by index seeks. */
export const FIND_KNOWN_IDS = {
  name: 'import.knownIds',
  row: z.object({ id: z.string(), labels: z.array(z.string()), confidence: z.enum(['stated', 'inferred', 'unconfirmed']).nullable() }),
  cypher: `
UNWIND $nodeIds AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, labels(n) AS labels, n.confidence AS confidence
UNION ALL
UNWIND $nodeIds AS id
MATCH (n:Figure {id: id})
RETURN n.id AS id, labels(n) AS labels, n.confidence AS confidence
UNION ALL
UNWIND $sourceIds AS id
MATCH (n:Source {id: id})
RETURN n.id AS id, labels(n) AS labels, null AS confidence`,
};

/** The stored properties of the entities and figures with the given ids (an import's audit entry). */
export const NODE_STATES = {
  name: 'import.nodeStates',
  row: z.object({ id: z.string(), props: PROPS }),
  cypher: `
UNWIND $ids AS id
MATCH (n {id: id}) WHERE n:Entity OR n:Figure
RETURN n.id AS id, properties(n) AS props`,
};

/** Whether the database holds no entity yet (a fresh store, or an empty remote database). */
export const IS_GRAPH_EMPTY = {
  name: 'seed.isGraphEmpty',
  row: z.object({ empty: z.boolean() }),
  cypher: 'RETURN NOT EXISTS { MATCH (:Entity) } AS empty',
};
