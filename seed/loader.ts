import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../src/db/executor';
import { SCHEMA_STATEMENTS, NODE_LABELS, RELATIONSHIP_TYPES, type NodeLabel, type RelationshipType } from '../src/db/graphModel';
import { validateSeed, type RawSeed, type SeedRecord, type ValidSeed } from './validate';
import type { Driver } from 'neo4j-driver';

/** The seed graph shipped with the project. */
export const DEFAULT_SEED_DIR = path.resolve(__dirname, 'data');

function readJsonArray(file: string): SeedRecord<unknown>[] {
  const relative = path.relative(process.cwd(), file);
  let content: unknown;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${relative}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(content)) throw new Error(`${relative}: expected a JSON array of records`);
  return content.map((data, i) => ({ file: relative, index: i + 1, data }));
}

function jsonFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

/** Reads `sources.json`, `nodes/<Label>.json` and `relationships/<TYPE>.json` of a seed folder. */
export function readSeed(dir: string = DEFAULT_SEED_DIR): RawSeed {
  return {
    sources: readJsonArray(path.join(dir, 'sources.json')),
    nodes: jsonFiles(path.join(dir, 'nodes')).map((f) => ({ label: path.basename(f, '.json'), records: readJsonArray(path.join(dir, 'nodes', f)) })),
    relationships: jsonFiles(path.join(dir, 'relationships')).map((f) => ({
      type: path.basename(f, '.json'),
      records: readJsonArray(path.join(dir, 'relationships', f)),
    })),
  };
}

const UPSERT_SOURCES = `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s.title = row.title, s.publisher = row.publisher, s.date = row.date, s.url = row.url`;

// Labels come from the allow-list in graphModel, never from seed content.
function upsertNodes(label: NodeLabel): string {
  const merge = label === 'Figure' ? 'MERGE (n:Figure {id: row.id})' : `MERGE (n:Entity {id: row.id})\nSET n:${label}`;
  return `
UNWIND $rows AS row
${merge}
SET n = row.props, n.sourceIds = row.sources`;
}

function upsertRelationships(type: RelationshipType): string {
  return `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:${type === 'HAS_FIGURE' ? 'Figure' : 'Entity'} {id: row.to})
MERGE (a)-[r:${type} {key: row.key}]->(b)
SET r = row.props, r.key = row.key, r.sourceIds = row.sources`;
}

export interface SeedCounts {
  readonly sources: number;
  readonly nodes: number;
  readonly relationships: number;
}

/**
 * Validates the seed, creates constraints and indexes, then writes the whole graph in ONE transaction
 * (all or nothing). Every write is a MERGE on a stable key, so a second run changes nothing.
 */
export async function loadSeed(driver: Driver, database: string, dir: string = DEFAULT_SEED_DIR): Promise<SeedCounts> {
  const seed: ValidSeed = validateSeed(readSeed(dir));
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement, {}, { database });
  await driver.executeQuery('CALL db.awaitIndexes(60)', {}, { database });
  const session = driver.session({ database });
  try {
    await session.executeWrite(async (tx) => {
      await tx.run(UPSERT_SOURCES, { rows: seed.sources.map((s) => ({ publisher: null, date: null, url: null, ...s })) });
      for (const label of NODE_LABELS) {
        const rows = seed.nodes.filter((n) => n.label === label).map((n) => ({ id: n.id, props: n.props, sources: n.sources }));
        if (rows.length > 0) await tx.run(upsertNodes(label), { rows });
      }
      for (const type of Object.keys(RELATIONSHIP_TYPES) as RelationshipType[]) {
        const rows = seed.relationships.filter((r) => r.type === type);
        if (rows.length > 0) await tx.run(upsertRelationships(type), { rows });
      }
    });
  } finally {
    await session.close();
  }
  return { sources: seed.sources.length, nodes: seed.nodes.length, relationships: seed.relationships.length };
}

/** True when the database holds no entity yet (a fresh embedded store, or an empty remote database). */
export async function isGraphEmpty(executor: Executor): Promise<boolean> {
  const [row] = await executor.read<{ empty: boolean }>({ name: 'isGraphEmpty', cypher: 'RETURN NOT EXISTS { MATCH (:Entity) } AS empty' });
  return row?.empty ?? true;
}
