import { z } from 'zod';
import type { Query } from '../executor';
import { NODE_LABELS, RELATIONSHIP_TYPE_NAMES, type NodeLabel, type RelationshipType } from '../../domain/graphModel';
import { INTEGER, PROPS, RAW_NODE } from '../rows';

/**
 * The write statements of every path that stores facts: the seed loader, the bulk import (CLI and the
 * `importRecords` mutation) and the curation mutations all write sources, nodes and relationships with
 * these, so a fact is stored the same way whichever way it arrives.
 *
 * Nodes and sources are MERGEd on their `id` (unique-constrained); a relationship is MERGEd on its `key`
 * property between its two ends (Community Edition cannot constrain relationship keys: writers of the
 * same entity are serialised by locks instead, see curation.ts). Running a statement again with the same
 * rows changes nothing: that is what makes reruns converge. Labels and types come from the allow-list in
 * domain/graphModel, never from the data; values travel as `$rows`.
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

/** One row per node written: its labels and stored properties. */
type NodeRow = z.infer<typeof RAW_NODE>;
/** One row per relationship written: its stored properties. */
const LINK_ROW = z.object({ props: PROPS });
type LinkRow = z.infer<typeof LINK_ROW>;

const NODE_STATEMENTS = new Map<NodeLabel, Query<NodeRow>>(
  NODE_LABELS.map((label) => [
    label,
    {
      name: `write.nodes.${label}`,
      row: RAW_NODE,
      // `row.props` is the whole stored record (the caller merged any stored state into it) and replaces it.
      cypher: `
UNWIND $rows AS row
${label === 'Figure' ? 'MERGE (n:Figure {id: row.id})' : `MERGE (n:Entity {id: row.id})\nSET n:${label}`}
SET n = row.props${label === 'Figure' ? '' : `
WITH n
// A renamed or merged entity keeps answering to its former ids (node(id:), traversal starts).
FOREACH (old IN coalesce(n.formerIds, []) | MERGE (r:Redirect {id: old}) MERGE (r)-[:REDIRECTS_TO]->(n))`}
RETURN labels(n) AS labels, properties(n) AS props`,
    },
  ]),
);

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

/** Writes nodes of one label: rows `{id, props}`, `props` the whole stored record (`sourceIds` included). */
export function upsertNodes(label: NodeLabel): Query<NodeRow> {
  const query = NODE_STATEMENTS.get(label);
  if (!query) throw new Error(`no write statement for label ${label}`);
  return query;
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
