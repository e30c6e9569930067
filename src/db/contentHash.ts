import { createHash } from 'node:crypto';
import type { Driver } from 'neo4j-driver';

/**
 * A content hash of the knowledge graph: every `Entity`, `Source` and `Figure` node with its labels and
 * properties, and every relationship between them with its type, ends and properties, in a canonical
 * order. Two databases with the same hash hold the same graph, whatever order it was written in.
 * The audit trail (`:Change` nodes) is not part of the content.
 */
export const CONTENT_QUERY = {
  nodes: `
MATCH (n) WHERE n:Entity OR n:Source OR n:Figure
RETURN labels(n) AS labels, properties(n) AS props`,
  relationships: `
MATCH (a)-[r]->(b)
WHERE (a:Entity OR a:Source OR a:Figure) AND (b:Entity OR b:Source OR b:Figure)
RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props`,
} as const;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line per node and relationship, sorted: the text the hash is taken of (handy in a failing test's diff). */
export async function contentLines(driver: Driver, database: string): Promise<string[]> {
  const [nodes, rels] = await Promise.all([
    driver.executeQuery(CONTENT_QUERY.nodes, {}, { database, routing: 'READ' }),
    driver.executeQuery(CONTENT_QUERY.relationships, {}, { database, routing: 'READ' }),
  ]);
  return [
    ...nodes.records.map((r) => `${canonical([...(r.get('labels') as string[])].sort())}${canonical(r.get('props'))}`),
    ...rels.records.map((r) => `${String(r.get('from'))}-[${String(r.get('type'))}]->${String(r.get('to'))}${canonical(r.get('props'))}`),
  ].sort();
}

/** SHA-256 (hex) of `contentLines`. */
export async function contentHash(driver: Driver, database: string): Promise<string> {
  const hash = createHash('sha256');
  for (const line of await contentLines(driver, database)) hash.update(line).update('\n');
  return hash.digest('hex');
}
