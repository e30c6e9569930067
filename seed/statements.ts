import type { Driver } from 'neo4j-driver';
import type { NamedQuery } from '../src/db/executor';
import { NODE_LABELS, RELATIONSHIP_TYPES, SCHEMA_STATEMENTS, type NodeLabel, type RelationshipType } from '../src/db/graphModel';

/**
 * The write statements of the seed loader and the bulk import. Every write is a MERGE on a constrained
 * key (an entity's, figure's or source's `id`; a relationship's `key` between its two ends), so running a
 * statement again with the same rows changes nothing: that is what makes reruns converge. Labels and
 * types come from the allow-list in graphModel, never from the data; values travel as `$rows`.
 * Each statement returns `written`, the rows it wrote.
 */

export const UPSERT_SOURCES: NamedQuery = {
  name: 'import.sources',
  cypher: `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s.title = row.title, s.publisher = row.publisher, s.date = row.date, s.url = row.url
RETURN count(*) AS written`,
};

const NODE_STATEMENTS = new Map<NodeLabel, NamedQuery>(
  NODE_LABELS.map((label) => [
    label,
    {
      name: `import.nodes.${label}`,
      // A record replaces the stored properties of its id (it is the whole record, as in the seed).
      cypher: `
UNWIND $rows AS row
${label === 'Figure' ? 'MERGE (n:Figure {id: row.id})' : `MERGE (n:Entity {id: row.id})\nSET n:${label}`}
SET n = row.props, n.sourceIds = row.sources
RETURN count(*) AS written`,
    },
  ]),
);

const RELATIONSHIP_STATEMENTS = new Map<RelationshipType, NamedQuery>(
  (Object.keys(RELATIONSHIP_TYPES) as RelationshipType[]).map((type) => [
    type,
    {
      name: `import.relationships.${type}`,
      // A row whose end is missing matches nothing and is not counted: the caller compares `written`.
      cypher: `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:${type === 'HAS_FIGURE' ? 'Figure' : 'Entity'} {id: row.to})
MERGE (a)-[r:${type} {key: row.key}]->(b)
SET r = row.props, r.key = row.key, r.sourceIds = row.sources
RETURN count(*) AS written`,
    },
  ]),
);

export function upsertNodes(label: NodeLabel): NamedQuery {
  return NODE_STATEMENTS.get(label)!;
}

export function upsertRelationships(type: RelationshipType): NamedQuery {
  return RELATIONSHIP_STATEMENTS.get(type)!;
}

/** Creates the constraints (which MERGE relies on) and indexes, and waits for them. Idempotent. */
export async function ensureSchema(driver: Driver, database: string): Promise<void> {
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement, {}, { database });
  await driver.executeQuery('CALL db.awaitIndexes(60)', {}, { database });
}
