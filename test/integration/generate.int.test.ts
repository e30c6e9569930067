import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { generateGraph, generateOffline } from '../../bench/generate';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/embedded';
import { freePort } from '../../src/net';
import { startScratchNeo4j, type ScratchNeo4j } from '../../harness/scratchNeo4j';

/**
 * `npm run generate` into an empty store goes through Neo4j's offline importer (neo4j-admin database
 * import, from the same Maven jars); into a running database, through batched transactions. Both
 * must give the same graph: every node with its labels and properties, every relationship with its
 * type and properties, for the same size and seed.
 */
const OPTIONS = { nodes: 1_000, seed: 7 };

interface Snapshot {
  nodes: unknown[];
  relationships: unknown[];
}

async function snapshot(driver: Driver): Promise<Snapshot> {
  const nodes = await driver.executeQuery('MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id');
  const relationships = await driver.executeQuery(
    'MATCH (a)-[r]->(b) RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props ORDER BY from, type, to, r.key',
  );
  const sortedLabels = (labels: string[]) => [...labels].sort();
  return {
    nodes: nodes.records.map((r) => ({ id: r.get('id'), labels: sortedLabels(r.get('labels')), props: r.get('props') })),
    relationships: relationships.records.map((r) => r.toObject()),
  };
}

describe('npm run generate', () => {
  let home: string;
  let offline: EmbeddedNeo4j | undefined;
  let offlineDriver: Driver | undefined;
  let online: ScratchNeo4j;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-generate-offline-'));
    online = await startScratchNeo4j('generate-online');
  });
  afterAll(async () => {
    await offlineDriver?.close();
    await offline?.stop();
    await online?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('loads the same graph through the offline importer as through transactions', async () => {
    const start = async (): Promise<Driver> => {
      offline = await startEmbeddedNeo4j({ port: await freePort(), dataDir: home, heap: '512m', pageCache: '64m' });
      offlineDriver = neo4j.driver(offline.uri, undefined, { disableLosslessIntegers: true });
      return offlineDriver;
    };
    const imported = await generateOffline(home, 'neo4j', start, { ...OPTIONS, heap: '512m' });
    const loaded = await generateGraph(online.driver, 'neo4j', OPTIONS);

    expect(imported.nodes).toBe(loaded.nodes);
    expect(imported.relationships).toBe(loaded.relationships);
    expect(imported.samples).toEqual(loaded.samples);
    expect(imported.nodesPerSec).toBeGreaterThan(0);
    const [a, b] = [await snapshot(offlineDriver!), await snapshot(online.driver)];
    expect(a.nodes).toHaveLength(loaded.nodes);
    expect(a.relationships).toHaveLength(loaded.relationships);
    expect(a).toEqual(b);
    // The files are gone; the store is a real one, with the schema the server creates.
    expect(fs.existsSync(path.join(home, 'import'))).toBe(false);
    const indexes = await offlineDriver!.executeQuery("SHOW INDEXES YIELD name WHERE name = 'facility_name' RETURN count(*) AS n");
    expect(indexes.records[0]!.get('n')).toBe(1);
    // Two Neo4j starts, neo4j-admin and two loads: 60 s was not enough in a CI run on a loaded machine.
  }, 180_000);
});
