/**
 * Loading the synthetic graph. Schema first (SCHEMA_STATEMENTS, then db.awaitIndexes), then
 * `UNWIND $rows … CREATE` in one managed write transaction per batch of `batchSize` rows (rows sent
 * as one tab-separated string, see below): nodes per label, then relationships per type with both
 * endpoints matched through the `entity_id` uniqueness index. Two transactions are in flight at a
 * time and the next batch is generated while the database writes.
 */
import neo4j, { Neo4jError, type Driver } from 'neo4j-driver';
import { SCHEMA_STATEMENTS } from '../../src/db/queries/schema';
import type { Plan } from './plan';
import { DETAILS_JSON } from './vocabulary';
import { companyRows, depositRows, elementRows, facilityRows, productRows, regionRows, sourceRows, stageRows, type RelRow, type Row } from './rows';
import { companyRelRows, depositRelRows, facilityRelRows, nextStageRows, partOfRows, productRelRows } from './relationships';

export const DEFAULT_BATCH_SIZE = 10_000;
const LOG_EVERY_MS = 5_000;
/** Write transactions in flight at once, for nodes and for relationships. */
const NODE_TX_IN_FLIGHT = 2;
const REL_TX_IN_FLIGHT = 2;

// ---------------------------------------------------------------------------------------------
// The row encoding and the write statements
//
// Rows travel as ONE string per batch: lines of tab-separated fields, split back in Cypher
// (`UNWIND split($rows, '\n') AS line`). The JavaScript driver packs a list of 10,000 maps in
// 200-600 ms (measured here), which alone would cap the load below 25,000 rows/s; the same rows as
// one string take 20-40 ms. Generated values never contain tabs or newlines; an empty field is null
// (`toInteger('')` is null too), lists are joined with ' | ' (aliases) or ',' (source ids).

export type ColumnType = 'str' | 'optStr' | 'int' | 'num' | 'bool' | 'aliases' | 'ids';
export type Column = readonly [name: string, type: ColumnType];

/** The Cypher expression of a property from field `i` of the split line `f`. */
function property([name, type]: Column, i: number): string {
  const f = `f[${i}]`;
  switch (type) {
    case 'str': return `${name}: ${f}`;
    case 'optStr': return `${name}: CASE ${f} WHEN '' THEN null ELSE ${f} END`;
    case 'int': return `${name}: toInteger(${f})`;
    case 'num': return `${name}: toFloat(${f})`;
    case 'bool': return `${name}: ${f} = 'true'`;
    case 'aliases': return `${name}: CASE ${f} WHEN '' THEN [] ELSE split(${f}, ' | ') END, ${name}Text: ${f}`;
    case 'ids': return `${name}: split(${f}, ',')`;
  }
}

function field(value: unknown, type: ColumnType): string {
  if (value === undefined || value === null) return '';
  if (type === 'aliases') return (value as string[]).join(' | ');
  if (type === 'ids') return (value as string[]).join(',');
  return String(value);
}

function encoder(columns: readonly Column[]): (row: Row) => string {
  return (row) => columns.map(([name, type]) => field(row[name], type)).join('\t');
}

const SPLIT_ROWS = "UNWIND split($rows, '\\n') AS line\nWITH split(line, '\\t') AS f";
const ENTITY_CONSTANTS = `confidence: 'stated', detailsJson: '${DETAILS_JSON}'`;

const ENTITY_COLUMNS: readonly Column[] = [['id', 'str'], ['name', 'str'], ['aliases', 'aliases'], ['sourceIds', 'ids']];
const NODE_COLUMNS: Record<string, readonly Column[]> = {
  Source: [['id', 'str'], ['title', 'str'], ['publisher', 'optStr'], ['date', 'optStr'], ['url', 'optStr']],
  SupplyChainStage: [...ENTITY_COLUMNS, ['order', 'int']],
  Element: [...ENTITY_COLUMNS, ['symbol', 'str'], ['symbolUpper', 'str'], ['atomicNumber', 'int'], ['group', 'str'], ['reeClass', 'optStr'], ['magnetInput', 'bool']],
  Region: [...ENTITY_COLUMNS, ['kind', 'str']],
  Company: [...ENTITY_COLUMNS, ['kind', 'str']],
  Deposit: [...ENTITY_COLUMNS, ['commodity', 'str'], ['status', 'str']],
  Product: [...ENTITY_COLUMNS, ['kind', 'str']],
  Facility: [
    ...ENTITY_COLUMNS,
    ['kind', 'str'],
    ['status', 'str'],
    ['startYear', 'int'],
    ['endYear', 'int'],
    ['capacityValue', 'num'],
    ['capacityUnit', 'optStr'],
  ],
};

/** The property map entries of `columns`, the first of which is field `first` of the line. */
function props(columns: readonly Column[], first = 0): string {
  return columns.map((column, i) => property(column, first + i)).join(', ');
}

export interface Write {
  readonly name: string;
  readonly cypher: string;
  readonly encode: (row: Row) => string;
  readonly rows: (plan: Plan) => Iterable<Row>;
  /** The node label or relationship type written, and its columns (the offline importer's files: offline.ts). */
  readonly label?: string;
  readonly type?: string;
  readonly columns: readonly Column[];
}

function nodeWrite(label: string, rows: (plan: Plan) => Iterable<Row>): Write {
  const columns = NODE_COLUMNS[label]!;
  let cypher: string;
  if (label === 'Source') cypher = `${SPLIT_ROWS}\nCREATE (n:Source {${props(columns)}})`;
  // The stages are shared with the seed graph: created only when missing, left as they are otherwise.
  else if (label === 'SupplyChainStage')
    cypher = `${SPLIT_ROWS}\nMERGE (n:Entity {id: f[0]})\nON CREATE SET n:SupplyChainStage, n += {${props(columns)}, confidence: 'stated', detailsJson: '{}'}`;
  else cypher = `${SPLIT_ROWS}\nCREATE (n:Entity:${label} {${props(columns)}, ${ENTITY_CONSTANTS}})`;
  return { name: label, cypher, encode: encoder(columns), rows, label, columns };
}

export const NODE_WRITES: readonly Write[] = [
  nodeWrite('Source', sourceRows),
  nodeWrite('SupplyChainStage', stageRows),
  nodeWrite('Element', elementRows),
  nodeWrite('Region', regionRows),
  nodeWrite('Company', companyRows),
  nodeWrite('Deposit', depositRows),
  nodeWrite('Product', productRows),
  nodeWrite('Facility', facilityRows),
];

const FLOW_COLUMN_TYPES = new Set(['FEEDS', 'SUPPLIES', 'PRODUCES']);
const REL_COLUMNS: readonly Column[] = [['from', 'str'], ['to', 'str'], ['s', 'ids']];
const FLOW_COLUMNS: readonly Column[] = [...REL_COLUMNS, ['status', 'optStr'], ['material', 'optStr'], ['startYear', 'int'], ['endYear', 'int']];

function relationshipWrite(name: string, type: string, rows: (plan: Plan) => Iterable<RelRow>): Write {
  const flow = FLOW_COLUMN_TYPES.has(type);
  const set = `key: '${type}:' + f[0] + '->' + f[1], sourceIds: split(f[2], ','), confidence: 'stated'${
    flow ? `, ${props(FLOW_COLUMNS.slice(REL_COLUMNS.length), REL_COLUMNS.length)}` : ''
  }`;
  // NEXT_STAGE joins the shared stages and may exist already: MERGE, like the stages.
  const write =
    type === 'NEXT_STAGE' ? `MERGE (a)-[r:NEXT_STAGE]->(b) ON CREATE SET r += {${set}}` : `CREATE (a)-[r:${type} {${set}}]->(b)`;
  return {
    name,
    cypher: `${SPLIT_ROWS}\nMATCH (a:Entity {id: f[0]})\nMATCH (b:Entity {id: f[1]})\n${write}`,
    encode: encoder(flow ? FLOW_COLUMNS : REL_COLUMNS),
    rows,
    type,
    columns: flow ? FLOW_COLUMNS : REL_COLUMNS,
  };
}

export const REL_WRITES: readonly Write[] = [
  relationshipWrite('NEXT_STAGE', 'NEXT_STAGE', nextStageRows),
  relationshipWrite('PART_OF', 'PART_OF', partOfRows),
  ...(['HEADQUARTERED_IN', 'SUBSIDIARY_OF', 'SUPPLIES'] as const).map((type) =>
    relationshipWrite(`${type} (companies)`, type, (plan) => companyRelRows(plan, type)),
  ),
  ...(['CONTAINS', 'LOCATED_IN', 'HOLDS_LICENCE', 'FEEDS'] as const).map((type) =>
    relationshipWrite(`${type} (deposits)`, type, (plan) => depositRelRows(plan, type)),
  ),
  ...(['LOCATED_IN', 'OPERATES', 'AT_STAGE', 'FEEDS', 'SUPPLIES', 'PRODUCES'] as const).map((type) =>
    relationshipWrite(`${type} (facilities)`, type, (plan) => facilityRelRows(plan, type)),
  ),
  ...(['AT_STAGE', 'CONTAINS', 'CONSUMED_BY', 'USED_IN'] as const).map((type) =>
    relationshipWrite(`${type} (products)`, type, (plan) => productRelRows(plan, type)),
  ),
];

interface Counts {
  nodes: number;
  relationships: number;
}

/** Progress of one phase, logged at most every LOG_EVERY_MS and at the end of each label or type. */
class Progress {
  private readonly started = Date.now();
  private lastLog = Date.now();
  count = 0;

  constructor(
    private readonly what: string,
    private readonly log: (m: string) => void,
  ) {}

  add(n: number, step: string, force = false): void {
    this.count += n;
    const now = Date.now();
    if (!force && now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.log(`${step}: ${this.count.toLocaleString('en-US')} ${this.what} in ${this.seconds().toFixed(1)} s (${Math.round(this.rate()).toLocaleString('en-US')} ${this.what}/s)`);
  }

  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  rate(): number {
    return this.count / Math.max(this.seconds(), 1e-3);
  }
}

/**
 * Writes the rows of `write` in transactions of `batchSize` rows, with up to `inFlight`
 * transactions at once; the next batch is generated while the database writes.
 */
async function writeBatches(
  driver: Driver,
  database: string,
  write: Write,
  plan: Plan,
  batchSize: number,
  inFlight: number,
  onBatch: (counts: Counts) => void,
): Promise<void> {
  const send = async (rows: string): Promise<void> => {
    // executeQuery retries transient failures (deadlocks between the concurrent relationship
    // transactions on a hub) within the driver's retry budget; a few more attempts on top.
    for (let attempt = 1; ; attempt++) {
      try {
        const { summary } = await driver.executeQuery(write.cypher, { rows }, { database, routing: neo4j.routing.WRITE });
        const updates = summary.counters.updates();
        onBatch({ nodes: updates.nodesCreated, relationships: updates.relationshipsCreated });
        return;
      } catch (error) {
        if (attempt >= 4 || !(error instanceof Neo4jError && error.retriable)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  };
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const launch = async (rows: string): Promise<void> => {
    while (pending.size >= inFlight) await Promise.race(pending);
    if (failure !== undefined) throw failure;
    const p = send(rows).then(
      () => void pending.delete(p),
      (error: unknown) => {
        pending.delete(p);
        failure ??= error;
      },
    );
    pending.add(p);
  };
  let lines: string[] = [];
  for (const row of write.rows(plan)) {
    lines.push(write.encode(row));
    if (lines.length >= batchSize) {
      await launch(lines.join('\n'));
      lines = [];
    }
  }
  if (lines.length > 0) await launch(lines.join('\n'));
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
}

/** What `loadGraph` created, and at which rate. */
export interface Loaded {
  nodes: number;
  relationships: number;
  /** Nodes created per second of the node phase. */
  nodesPerSec: number;
  /** Relationships created per second of the relationship phase. */
  relationshipsPerSec: number;
}

/** Creates the schema, then loads the nodes of `plan` label by label and its relationships type by type. */
export async function loadGraph(driver: Driver, database: string, plan: Plan, batchSize: number, log: (m: string) => void): Promise<Loaded> {
  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement.cypher, {}, { database });
  await driver.executeQuery('CALL db.awaitIndexes(300)', {}, { database });

  const nodeProgress = new Progress('nodes', log);
  for (const write of NODE_WRITES) {
    await writeBatches(driver, database, write, plan, batchSize, NODE_TX_IN_FLIGHT, (c) => nodeProgress.add(c.nodes, write.name));
    nodeProgress.add(0, write.name, true);
  }
  const nodeRate = nodeProgress.rate();

  const relProgress = new Progress('relationships', log);
  for (const write of REL_WRITES) {
    await writeBatches(driver, database, write, plan, batchSize, REL_TX_IN_FLIGHT, (c) => relProgress.add(c.relationships, write.name));
    relProgress.add(0, write.name, true);
  }
  const relRate = relProgress.rate();
  return { nodes: nodeProgress.count, relationships: relProgress.count, nodesPerSec: nodeRate, relationshipsPerSec: relRate };
}
