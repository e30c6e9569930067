import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Executor } from './executor';
import { PROPS } from './rows';
import { isRecord } from '../domain/guards';

/**
 * A content hash of the knowledge graph: every `Entity`, `Source` and `Figure` node with its labels and
 * properties, and every relationship between them with its type, ends and properties, in a canonical
 * order. Two databases with the same hash hold the same graph, whatever order it was written in.
 * The audit trail (`:Change` nodes) is not part of the content.
 */
export const CONTENT_QUERY = {
  nodes: {
    name: 'content.nodes',
    row: z.object({ labels: z.array(z.string()), props: PROPS }),
    cypher: `
MATCH (n) WHERE n:Entity OR n:Source OR n:Figure
RETURN labels(n) AS labels, properties(n) AS props`,
  },
  relationships: {
    name: 'content.relationships',
    row: z.object({ from: z.string(), type: z.string(), to: z.string(), props: PROPS }),
    cypher: `
MATCH (a)-[r]->(b)
WHERE (a:Entity OR a:Source OR a:Figure) AND (b:Entity OR b:Source OR b:Figure)
RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props`,
  },
};

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line per node and relationship, sorted: the text the hash is taken of (handy in a failing test's diff). */
export async function contentLines(executor: Executor): Promise<string[]> {
  const [nodes, rels] = await executor.readTransaction('content', async (tx) => [await tx.run(CONTENT_QUERY.nodes), await tx.run(CONTENT_QUERY.relationships)] as const);
  return [
    ...nodes.map((r) => `${canonical([...r.labels].sort())}${canonical(r.props)}`),
    ...rels.map((r) => `${r.from}-[${r.type}]->${r.to}${canonical(r.props)}`),
  ].sort();
}

/** SHA-256 (hex) of `contentLines`. */
export async function contentHash(executor: Executor): Promise<string> {
  const hash = createHash('sha256');
  for (const line of await contentLines(executor)) hash.update(line).update('\n');
  return hash.digest('hex');
}
