import fs from 'node:fs';
import neo4j from 'neo4j-driver';

/**
 * What the suites left in the shared database: every suite removes what it wrote (entities, sources and
 * figures under its id prefix, the audit entries its writes made), so after a run the embedded database
 * holds the seed graph only - no `:Change` node (the seed records none), no `test-…` id, no probe node.
 */
async function leftovers(uri: string): Promise<string[]> {
  const driver = neo4j.driver(uri, undefined, { disableLosslessIntegers: true });
  try {
    const { records } = await driver.executeQuery(
      `CALL () { MATCH (c:Change) RETURN count(c) AS changes, collect(DISTINCT c.requestId)[..5] AS requests }
       CALL () { MATCH (n) WHERE n.id STARTS WITH 'test-' OR n:ExecutorProbe RETURN count(n) AS nodes, collect(n.id)[..5] AS ids }
       RETURN changes, requests, nodes, ids`,
      {},
      { database: process.env.NEO4J_DATABASE ?? 'neo4j' },
    );
    const row = records[0]?.toObject() as { changes: number; requests: string[]; nodes: number; ids: string[] } | undefined;
    const found: string[] = [];
    if (row && row.changes > 0) found.push(`${row.changes} audit entries (:Change), of requests ${JSON.stringify(row.requests)}`);
    if (row && row.nodes > 0) found.push(`${row.nodes} test nodes, e.g. ${JSON.stringify(row.ids)}`);
    return found;
  } finally {
    await driver.close();
  }
}

export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__EMBEDDED_NEO4J__;
  if (!embedded) return; // an external NEO4J_URI may hold anything: not ours to judge
  let found: string[] = [];
  try {
    found = await leftovers(embedded.neo4j.uri);
  } finally {
    await embedded.neo4j.stop();
    fs.rmSync(embedded.dataDir, { recursive: true, force: true });
  }
  if (found.length > 0) {
    throw new Error(`suites left data in the shared test database (each must remove what it writes in afterAll): ${found.join('; ')}`);
  }
}
