/**
 * Loading the synthetic graph into an EMPTY store with Neo4j's offline importer (`neo4j-admin database
 * import full`, run from the same Maven jars as the embedded Neo4j: org.neo4j.cli.AdminTool in
 * neo4j-command-line, the import command in neo4j-import-tool). The same rows and columns as the online
 * path (load.ts) become tab-separated files with the importer's typed headers; the importer writes the
 * store files directly, without transactions, which is what makes it fast. The store must be stopped.
 * The schema (SCHEMA_STATEMENTS) is created afterwards, once the database runs.
 *
 * Nodes are keyed in the files by a number of their own (`:ID`, not stored; `--id-type=integer`), the
 * string `id` being an ordinary property column: the importer then maps 8-byte numbers rather than
 * encoding and sorting a million strings, which took its node phase from about 7 s to 5 s on 1M nodes
 * (and its relationship phase down with it) on this 2-core machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { findJava, JVM_FLAGS } from '../../src/embedded/java';
import { LIB_DIR, REPO_ROOT } from '../../src/embedded/layout';
import { NODE_WRITES, REL_WRITES, type Column, type Write } from './load';
import type { Plan } from './plan';
import { DETAILS_JSON } from './vocabulary';

/** Separates the elements of a list property (aliases, source ids) inside one field. */
const ARRAY_DELIMITER = '|';

/** The header entries of a column, as the importer reads them (`name:type`). */
function header([name, type]: Column): string[] {
  switch (type) {
    case 'str':
    case 'optStr':
      return [name];
    case 'int':
      return [`${name}:long`];
    case 'num':
      return [`${name}:double`];
    case 'bool':
      return [`${name}:boolean`];
    case 'aliases':
      return [`${name}:string[]`, `${name}Text`];
    case 'ids':
      return [`${name === 's' ? 'sourceIds' : name}:string[]`];
  }
}

/** A field; a value with a double quote is quoted, its quotes doubled (CSV). Empty is absent (--ignore-empty-strings). */
function quote(value: string): string {
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : value;
}

function fields(row: Record<string, unknown>, [name, type]: Column): string[] {
  const value = row[name];
  if (value === undefined || value === null) return type === 'aliases' ? ['', ''] : [''];
  if (type === 'aliases') return [(value as string[]).join(ARRAY_DELIMITER), (value as string[]).join(' | ')];
  if (type === 'ids') return [(value as string[]).join(ARRAY_DELIMITER)];
  return [quote(String(value))];
}

/** Writes one file of the importer: its header line, then a line per row (streamed, with backpressure). */
async function writeFile(file: string, headerLine: string, lines: Iterable<string>): Promise<number> {
  const out = fs.createWriteStream(file);
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${headerLine}\n`);
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    count++;
    if (chunk.length === 5_000) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return count;
}

/** Each node's number in the files (its `:ID`), by its id, numbered as they are written. */
type ImportIds = Map<string, number>;

function* nodeLines(write: Write, plan: Plan, ids: ImportIds): Generator<string> {
  const entity = write.label !== 'Source';
  for (const row of write.rows(plan)) {
    const id = String(row[write.columns[0]![0]]);
    if (ids.has(id)) throw new Error(`node id ${id} generated twice`);
    const number = ids.size;
    ids.set(id, number);
    const values = write.columns.flatMap((column) => fields(row, column));
    const constants = entity ? ['stated', quote(write.label === 'SupplyChainStage' ? '{}' : DETAILS_JSON)] : [];
    const labels = entity ? `Entity${ARRAY_DELIMITER}${write.label!}` : write.label!;
    yield [number, ...values, ...constants, labels].join('\t');
  }
}

function* relationshipLines(write: Write, plan: Plan, ids: ImportIds): Generator<string> {
  const number = (id: string): number => {
    const n = ids.get(id);
    if (n === undefined) throw new Error(`${write.type!} relationship to a node not generated: ${id}`);
    return n;
  };
  for (const row of write.rows(plan)) {
    const [from, to] = [String(row.from), String(row.to)];
    const values = write.columns.slice(2).flatMap((column) => fields(row, column));
    yield [number(from), number(to), write.type!, `${write.type!}:${from}->${to}`, ...values, 'stated'].join('\t');
  }
}

export interface ImportFiles {
  readonly nodes: readonly string[];
  readonly relationships: readonly string[];
  /** Rows written (nodes, relationships). */
  readonly nodeRows: number;
  readonly relationshipRows: number;
}

/** Writes the importer's files of `plan` into `dir`: one per node label, one per relationship write. */
export async function writeImportFiles(plan: Plan, dir: string): Promise<ImportFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const nodes: string[] = [];
  const relationships: string[] = [];
  let nodeRows = 0;
  let relationshipRows = 0;
  const ids: ImportIds = new Map();
  for (const write of NODE_WRITES) {
    const file = path.join(dir, `nodes-${write.label!}.tsv`);
    const entity = write.label !== 'Source';
    const head = [':ID', ...write.columns.flatMap(header), ...(entity ? ['confidence', 'detailsJson'] : []), ':LABEL'];
    nodeRows += await writeFile(file, head.join('\t'), nodeLines(write, plan, ids));
    nodes.push(file);
  }
  for (const [i, write] of REL_WRITES.entries()) {
    const file = path.join(dir, `relationships-${i}-${write.type!}.tsv`);
    const head = [':START_ID', ':END_ID', ':TYPE', 'key', ...write.columns.slice(2).flatMap(header), 'confidence'];
    relationshipRows += await writeFile(file, head.join('\t'), relationshipLines(write, plan, ids));
    relationships.push(file);
  }
  return { nodes, relationships, nodeRows, relationshipRows };
}

/**
 * Runs `neo4j-admin database import full` into the store under `home` (the embedded Neo4j's data
 * directory; its database `database` must not exist yet). Resolves with the importer's output;
 * rejects with it when the importer fails.
 */
export async function runImporter(home: string, database: string, files: ImportFiles, options: { heap?: string; log?: (m: string) => void } = {}): Promise<string> {
  const conf = path.join(home, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  fs.writeFileSync(path.join(conf, 'neo4j.conf'), `server.directories.data=${path.join(home, 'data')}\n`);
  const args = [
    ...JVM_FLAGS,
    `-Xmx${options.heap ?? '2g'}`,
    // The throughput collector: in alternating runs of the same files its node phase was 5.6–6.3 s
    // against 6.7–9.0 s with the default G1.
    '-XX:+UseParallelGC',
    '-cp',
    path.join(LIB_DIR, '*'),
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    ...files.nodes.map((f) => `--nodes=${f}`),
    ...files.relationships.map((f) => `--relationships=${f}`),
    '--delimiter=TAB',
    `--array-delimiter=${ARRAY_DELIMITER}`,
    '--ignore-empty-strings=true',
    '--id-type=integer',
    '--threads=2',
    // Problems found in the files (none expected), next to the store rather than in the working directory.
    `--report-file=${path.join(home, 'import.report')}`,
    database,
  ];
  const child = spawn(findJava(), args, { cwd: REPO_ROOT, env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: conf }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      output += text;
      for (const line of text.split('\n')) if (/IMPORT DONE|Done in|^\(\d\/\d\)|^\d+ (nodes|relationships)$/.test(line.trim())) options.log?.(line.trim());
    });
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`neo4j-admin database import failed (exit ${code}):\n${output.slice(-3000)}`);
  return output;
}

/** When each phase of the importer began, from its output (`(1/4) Node import 2026-11-30 01:45:04.858+0000`). */
export function importPhases(output: string): Map<number, number> {
  const phases = new Map<number, number>();
  for (const match of output.matchAll(/\((\d)\/\d\) [A-Za-z ]+ (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)([+-]\d\d)(\d\d)/g)) {
    phases.set(Number(match[1]), Date.parse(`${match[2]}T${match[3]}${match[4]}:${match[5]}`));
  }
  return phases;
}
