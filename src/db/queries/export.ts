import neo4j from 'neo4j-driver';
import { z } from 'zod';

/*
 * The reads of the export (import/exporter.ts). Property maps come back as plain JSON values: Neo4j
 * integers (from drivers without `disableLosslessIntegers`) become numbers, so an export is the same
 * whichever driver read it.
 */

/** Neo4j integers (from drivers without `disableLosslessIntegers`) as numbers, all the way down. */
function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return value.toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const PLAIN_PROPS = z.record(z.string(), z.unknown()).transform((props) => Object.fromEntries(Object.entries(props).map(([k, v]) => [k, plain(v)])));
const PROPS_ROW = z.object({ props: PLAIN_PROPS });
const NODE_ROW = z.object({ labels: z.array(z.string()), props: PLAIN_PROPS });
const LINK_ROW = z.object({ from: z.string(), type: z.string(), to: z.string(), props: PLAIN_PROPS, cites: z.boolean() });

const ENDS = 'CALL (id) { MATCH (n:Entity {id: id}) RETURN n UNION MATCH (n:Figure {id: id}) RETURN n }';

export const EXPORT_QUERIES = {
  allSources: { name: 'export.allSources', row: PROPS_ROW, cypher: 'MATCH (s:Source) RETURN properties(s) AS props' },
  sourcesById: { name: 'export.sourcesById', row: PROPS_ROW, cypher: 'UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN properties(s) AS props' },
  allNodes: { name: 'export.allNodes', row: NODE_ROW, cypher: 'MATCH (n) WHERE n:Entity OR n:Figure RETURN labels(n) AS labels, properties(n) AS props' },
  nodesById: { name: 'export.nodesById', row: NODE_ROW, cypher: `UNWIND $ids AS id ${ENDS} RETURN labels(n) AS labels, properties(n) AS props` },
  allRelationships: {
    name: 'export.allRelationships',
    row: LINK_ROW,
    cypher: `
MATCH (a)-[r]->(b)
WHERE (a:Entity OR a:Figure OR a:Source) AND (b:Entity OR b:Figure OR b:Source)
RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props, a:Source OR b:Source AS cites`,
  },
  relationshipsAmong: {
    name: 'export.relationshipsAmong',
    row: LINK_ROW,
    cypher: `
UNWIND $ids AS id ${ENDS}
MATCH (n)-[r]->(b)
WHERE (b:Entity OR b:Figure) AND b.id IN $ids
RETURN n.id AS from, type(r) AS type, b.id AS to, properties(r) AS props, false AS cites`,
  },
  neighbours: {
    name: 'export.neighbours',
    row: z.object({ id: z.string() }),
    cypher: `
UNWIND $ids AS id ${ENDS}
MATCH (n)-[r]-(b)
WHERE (b:Entity OR b:Figure) AND type(r) IN $types
RETURN DISTINCT b.id AS id`,
  },
};
