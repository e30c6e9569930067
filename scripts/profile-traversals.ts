/**
 * `npm run profile:traversals`: PROFILE each traversal statement on the database of NEO4J_URI and print
 * its db hits, rows and time; the figures in src/db/queries/traversal.ts come from this script.
 */
import neo4j from 'neo4j-driver';
import { loadConfig } from '../src/config';
import { HUB_DEGREE, pathsQuery, traversalQuery } from '../src/db/queries/traversal';
import { impactNetworkQuery } from '../src/db/queries/impact';
import type { NamedQuery } from '../src/db/executor';

interface ProfileNode {
  dbHits: number;
  children: ProfileNode[];
}
const totalHits = (p: ProfileNode): number => p.dbHits + p.children.reduce((sum, c) => sum + totalHits(c), 0);

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.neo4j.uri) throw new Error('Set NEO4J_URI to the database to profile (e.g. after `npm run neo4j:start`)');
  const driver = neo4j.driver(config.neo4j.uri, config.neo4j.password ? neo4j.auth.basic(config.neo4j.user, config.neo4j.password) : undefined);
  const time = { asOf: null, includeHistorical: false };
  const cases: [string, NamedQuery, Record<string, unknown>][] = [
    ['dependents(of: dep-tastyg, maxHops: 6)', traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: true }), { id: 'dep-tastyg', labels: [], limit: neo4j.int(100), hubDegree: neo4j.int(HUB_DEGREE), ...time }],
    ['dependents(of: reg-angara-yenisei, maxHops: 6)', traversalQuery({ direction: 'down', maxHops: 6, time: 'current', withPaths: true }), { id: 'reg-angara-yenisei', labels: [], limit: neo4j.int(100), hubDegree: neo4j.int(HUB_DEGREE), ...time }],
    ['dependencies(of: fac-glazov-magnet, maxHops: 6)', traversalQuery({ direction: 'up', maxHops: 6, time: 'current', withPaths: true }), { id: 'fac-glazov-magnet', labels: [], limit: neo4j.int(100), hubDegree: neo4j.int(HUB_DEGREE), ...time }],
    ['dependents(of: country-russia, maxHops: 12)', traversalQuery({ direction: 'down', maxHops: 12, time: 'current', withPaths: true }), { id: 'country-russia', labels: [], limit: neo4j.int(500), hubDegree: neo4j.int(HUB_DEGREE), ...time }],
    ['paths(from: dep-lovozero, to: fac-glazov-magnet)', pathsQuery('down', 8, 5, 'current'), { from: 'dep-lovozero', to: 'fac-glazov-magnet', ...time }],
    ['impact network (of: [fac-lovozero-gok])', impactNetworkQuery(8, 'current'), { ids: ['fac-lovozero-gok'], ...time }],
  ];
  try {
    for (const [label, query, params] of cases) {
      await driver.executeQuery(query.cypher, params, { database: config.neo4j.database }); // warm the plan cache
      const started = performance.now();
      const result = await driver.executeQuery(`PROFILE ${query.cypher}`, params, { database: config.neo4j.database });
      const ms = performance.now() - started;
      const profile = result.summary.profile as unknown as ProfileNode;
      console.log(`${label.padEnd(52)} ${String(totalHits(profile)).padStart(8)} db hits ${String(result.records.length).padStart(5)} rows ${ms.toFixed(1).padStart(8)} ms`);
    }
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
