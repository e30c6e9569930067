/**
 * A synthetic, supply-chain shaped graph for benchmarks, stored exactly like the seed graph
 * (see src/domain/validate.ts and src/import/seed.ts), so the real server can query it.
 *
 * Shape. Besides the 6 supply-chain stages (ids of seed/data/nodes/SupplyChainStage.json) and 30
 * `syn-el-*` elements, the graph consists of independent commodity networks ("clusters", about
 * FACILITIES_PER_NETWORK facilities each; half of them rare earths) plus shared regions:
 *   - facilities (~45 %) in 5 layers: mines → concentrators → separation → metal/alloy → magnet /
 *     component plants. Every facility FEEDS the next layer through a "band" mapping (every facility
 *     has at least one input and one output) and, with probability HUB_EDGE_P, one more plant of the
 *     next layer drawn from a Zipf distribution (exponent HUB_ZIPF_S): a few hub plants per layer
 *     have thousands of inputs while out-degrees stay small;
 *   - deposits (~10 %) FEED mines (exploration deposits feed nothing), CONTAIN elements of their
 *     commodity, are LOCATED_IN a district and licensed (HOLDS_LICENCE) to a company;
 *   - products (~5 %) in 6 tiers (ore … end use): each facility PRODUCES one product of its layer,
 *     products are CONSUMED_BY 1–3 facilities of the next layer and USED_IN products of the next
 *     tier (end uses in chains toward a few top-level end uses);
 *   - companies (~5 %) OPERATE facilities, hold licences, are HEADQUARTERED_IN a country and some
 *     are SUBSIDIARY_OF an older company of the same network;
 *   - regions (the rest, ~35 %): a few dozen countries → federal subjects → districts (PART_OF
 *     child → parent); networks are concentrated in a few countries (Zipf);
 *   - sources (~1.5 %, `:Source`), cited 1–2 per node and 1 per relationship.
 * Statuses are mostly operating; ~9 % planned / 3 % under construction (future startYear), 3 %
 * pilot, 1 % historical (with endYear).
 *
 * Determinism. Every entity's attributes and outgoing relationships come from its own PRNG
 * (mulberry32 seeded from a hash of seed, stream and index), so the same seed and size give the
 * identical graph and any row can be produced without generating the others: the rows are
 * generated in streaming batches and memory stays bounded whatever the size.
 *
 * The networks are independent so that an upstream search (the alternatives of `impact`) is
 * bounded by one network, whatever the total size; hubs make it cover much of that network.
 *
 * Loading. Schema first (SCHEMA_STATEMENTS, then db.awaitIndexes), then `UNWIND $rows … CREATE`
 * in one managed write transaction per batch of `batchSize` rows (rows sent as one tab-separated
 * string, see load.ts): nodes per label, then relationships per type with both endpoints
 * matched through the `entity_id` uniqueness index. CREATE, not MERGE: the benchmark loads into a
 * database without `syn-` nodes (the CLI refuses otherwise), MERGE would cost an extra index
 * lookup per row, and the uniqueness constraint still rejects any duplicate id. MERGE only for the
 * 6 stage nodes and their NEXT_STAGE chain, whose ids are shared with the seed graph and may
 * already exist. Two transactions are in flight at a time and the next batch is generated while
 * the database writes.
 *
 * Files: random.ts (deterministic randomness), vocabulary.ts (stages, elements, commodities, name
 * parts), plan.ts (sizes, index arithmetic, ids, per-entity attributes), rows.ts (node rows),
 * relationships.ts (relationship rows), load.ts (row encoding, write statements, loading loop),
 * samples.ts (the ids the benchmark asks about); this file is the entry point.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { DEFAULT_BATCH_SIZE, loadGraph } from './load';
import { SCHEMA_STATEMENTS } from '../../src/db/queries/schema';
import { importPhases, runImporter, writeImportFiles } from './offline';
import { DEFAULT_SEED, makePlan, MIN_NODES } from './plan';
import { chooseSamples, num, read, type Samples } from './samples';

export { MIN_NODES } from './plan';
export { mulberry32 } from './random';

export interface GenerateOptions {
  /** Total domain (`:Entity`) nodes, approximately (at least 1,000). Sources come on top (~1.5 %). */
  nodes: number;
  /** PRNG seed (default 42): same seed and size, identical graph. */
  seed?: number;
  /** Rows per write transaction (default 10,000). */
  batchSize?: number;
  log?: (m: string) => void;
}

export interface GeneratedGraph {
  /** Nodes created (domain nodes and sources; stage nodes that already existed are not counted). */
  nodes: number;
  /** Relationships created. */
  relationships: number;
  /** Wall time of the whole call: schema, nodes, relationships and choosing the samples. */
  seconds: number;
  /** Nodes created per second of the node phase. */
  nodesPerSec: number;
  /** Relationships created per second of the relationship phase. */
  relationshipsPerSec: number;
  /** ids the benchmark asks about */
  samples: Samples;
}

/**
 * Generates the synthetic graph for `options.nodes` and loads it into `database`, which must hold
 * no `syn-` nodes yet (see `countSyntheticNodes` / `deleteSyntheticGraph`).
 */
export async function generateGraph(driver: Driver, database: string, options: GenerateOptions): Promise<GeneratedGraph> {
  const { nodes } = options;
  if (!Number.isInteger(nodes) || nodes < MIN_NODES) throw new RangeError(`nodes must be an integer of at least ${MIN_NODES}, got ${nodes}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const plan = makePlan(nodes, seed >>> 0);
  log(
    `Plan (seed ${plan.seed}): ${plan.clusters} network(s) × (${plan.facilitiesPerCluster} facilities, ${plan.depositsPerCluster} deposits, ` +
      `${plan.productsPerCluster} products, ${plan.companiesPerCluster} companies); ${plan.countries} countries, ${plan.subjects} subjects, ` +
      `${plan.districts} districts; ${plan.sources} sources; batches of ${batchSize}`,
  );

  const loaded = await loadGraph(driver, database, plan, batchSize, log);
  const sampleStart = Date.now();
  const samples = await chooseSamples(driver, database, plan);
  log(`Samples chosen in ${((Date.now() - sampleStart) / 1000).toFixed(1)} s`);
  const seconds = (Date.now() - started) / 1000;
  return {
    nodes: loaded.nodes,
    relationships: loaded.relationships,
    seconds: Math.round(seconds * 10) / 10,
    nodesPerSec: Math.round(loaded.nodesPerSec),
    relationshipsPerSec: Math.round(loaded.relationshipsPerSec),
    samples,
  };
}

/**
 * Generates the synthetic graph into an EMPTY, stopped store with the offline importer (offline.ts):
 * writes the files, runs `neo4j-admin database import full` into `home`, then `start`s the database,
 * creates the schema and chooses the samples. `nodesPerSec` and `relationshipsPerSec` are the rates
 * of the importer's node and relationship phases; `importerSeconds` its whole run, JVM start included.
 */
export async function generateOffline(
  home: string,
  database: string,
  start: () => Promise<Driver>,
  options: Omit<GenerateOptions, 'batchSize'> & { heap?: string },
): Promise<GeneratedGraph & { importerSeconds: number }> {
  const { nodes } = options;
  if (!Number.isInteger(nodes) || nodes < MIN_NODES) throw new RangeError(`nodes must be an integer of at least ${MIN_NODES}, got ${nodes}`);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const plan = makePlan(nodes, (options.seed ?? DEFAULT_SEED) >>> 0);
  const dir = path.join(home, 'import');
  const files = await writeImportFiles(plan, dir);
  log(`Wrote ${files.nodeRows.toLocaleString('en-US')} nodes and ${files.relationshipRows.toLocaleString('en-US')} relationships to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const importStart = Date.now();
  const output = await runImporter(home, database, files, { ...(options.heap ? { heap: options.heap } : {}), log });
  const importSeconds = (Date.now() - importStart) / 1000;
  // Rates of the importer's own phases: nodes (1/4 → 2/4), relationships and their linking (2/4 → 4/4).
  const phases = importPhases(output);
  const span = (from: number, to: number) => ((phases.get(to) ?? NaN) - (phases.get(from) ?? NaN)) / 1000;
  const [nodeSeconds, relationshipSeconds] = [span(1, 2), span(2, 4)];
  fs.rmSync(dir, { recursive: true, force: true });
  log(`Imported in ${importSeconds.toFixed(1)} s; starting the database to create the schema`);
  const driver = await start();
  // The importer cannot write an empty list (an empty field is no property at all); the server stores
  // an entity without aliases as `aliases: [], aliasesText: ''` (toStoredProps), so those are set here.
  const session = driver.session({ database });
  try {
    await session.run(`MATCH (n:Entity) WHERE n.aliases IS NULL
CALL (n) { SET n.aliases = [], n.aliasesText = '' } IN TRANSACTIONS OF 20000 ROWS`);
  } finally {
    await session.close();
  }
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement.cypher, {}, { database });
  await driver.executeQuery('CALL db.awaitIndexes(1800)', {}, { database });
  const samples = await chooseSamples(driver, database, plan);
  return {
    nodes: files.nodeRows,
    relationships: files.relationshipRows,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    nodesPerSec: Math.round(files.nodeRows / (nodeSeconds > 0 ? nodeSeconds : importSeconds)),
    relationshipsPerSec: Math.round(files.relationshipRows / (relationshipSeconds > 0 ? relationshipSeconds : importSeconds)),
    importerSeconds: Math.round(importSeconds * 10) / 10,
    samples,
  };
}

/** How many `syn-` nodes (entities and sources) the database holds. */
export async function countSyntheticNodes(driver: Driver, database: string): Promise<number> {
  const rows = await read<{ n: unknown }>(
    driver,
    database,
    `CALL () { MATCH (n:Entity) WHERE n.id STARTS WITH 'syn-' RETURN count(n) AS c
  UNION ALL MATCH (n:Source) WHERE n.id STARTS WITH 'syn-' RETURN count(n) AS c }
RETURN sum(c) AS n`,
    {},
  );
  return num(rows[0]?.n ?? 0);
}

/** Detach-deletes every `syn-` node in transactions of `batchSize` nodes; returns how many. */
export async function deleteSyntheticGraph(driver: Driver, database: string, batchSize = 2_000, log?: (m: string) => void): Promise<number> {
  let deleted = 0;
  for (const label of ['Entity', 'Source'] as const) {
    // CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    const session = driver.session({ database });
    try {
      const result = await session.run(
        `MATCH (n:${label}) WHERE n.id STARTS WITH 'syn-'
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF ${Math.max(1, Math.floor(batchSize))} ROWS`,
      );
      const n = result.summary.counters.updates().nodesDeleted;
      deleted += n;
      log?.(`Deleted ${n.toLocaleString('en-US')} synthetic ${label} nodes`);
    } finally {
      await session.close();
    }
  }
  return deleted;
}
