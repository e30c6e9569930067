import fs from 'node:fs';
import path from 'node:path';
import type { Executor, TransactionRunner } from '../db/executor';
import { EXPORT_QUERIES } from '../db/queries/export';
import { NODE_LABELS, RELATIONSHIP_TYPE_NAMES, isNodeLabel, isRelationshipType, type NodeLabel, type RelationshipType } from '../domain/graphModel';
import { NODE_SCHEMAS, RELATIONSHIP_SCHEMA, SourceSchema, fromStoredProps, linkKey } from '../domain/records';
import { isStringArray } from '../domain/guards';

/**
 * Exports the graph (or the subgraph within some hops of given ids) in the seed format, the inverse of
 * the loader: importing the export into an empty database gives the same `contentHash`. Records and
 * their fields come out in a fixed order (ids sorted, fields in the schema's order), so two exports of
 * the same graph are byte-identical and diff well.
 *
 * What the loader derives is dropped (`aliasesText`, `symbolUpper`, `detailsJson` → `details` with its
 * key order kept, `capacityValue`/`capacityUnit` → `capacity`, `sourceIds` → `sources`). A
 * relationship's `key` is written only when it is not the one the import derives from file order.
 */

export interface ExportOptions {
  /** Export only what lies within `hops` relationships (either direction) of these entity or figure ids. */
  readonly around?: readonly string[];
  /** Default 1. */
  readonly hops?: number;
}

type Row = Record<string, unknown>;

export interface ExportedGraph {
  readonly sources: Row[];
  readonly nodes: ReadonlyMap<NodeLabel, Row[]>;
  readonly relationships: ReadonlyMap<RelationshipType, Row[]>;
  /** What the seed format cannot carry (so a round trip would lose it), one line each. */
  readonly warnings: string[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The record's fields in `order`, then any others sorted, then `last`. */
function ordered(record: Row, order: readonly string[], last: readonly string[] = ['details', 'sources']): Row {
  const known = order.filter((k) => !last.includes(k) && k in record);
  const others = Object.keys(record)
    .filter((k) => !order.includes(k) && !last.includes(k))
    .sort(compare);
  return Object.fromEntries([...known, ...others, ...last.filter((k) => k in record)].map((k) => [k, record[k]]));
}

/** The ids within `hops` of `start` (included), one statement per hop. */
async function idsAround(tx: TransactionRunner, start: readonly string[], hops: number): Promise<string[]> {
  const found = await tx.run(EXPORT_QUERIES.nodesById, { ids: start });
  const missing = start.filter((id) => !found.some((row) => row.props.id === id));
  if (missing.length > 0) throw new Error(`no entity or figure has the id ${missing.map((id) => `"${id}"`).join(', ')}`);
  const seen = new Set(start);
  let frontier = [...seen];
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next = await tx.run(EXPORT_QUERIES.neighbours, { ids: frontier, types: RELATIONSHIP_TYPE_NAMES });
    frontier = next.map((row) => row.id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  return [...seen].sort(compare);
}

/** `TYPE:from->to`, `#2`, `#3`…: where a key stands in the order the import derives keys in. */
function keyRank(key: unknown, base: string): number {
  if (key === base) return 1;
  const n = typeof key === 'string' && key.startsWith(`${base}#`) ? Number(key.slice(base.length + 1)) : NaN;
  return Number.isInteger(n) && n > 1 ? n : Number.POSITIVE_INFINITY;
}

/** Reads the graph (or the subgraph around `options.around`) as records in the seed format, in one read transaction. */
export function exportGraph(executor: Executor, options: ExportOptions = {}): Promise<ExportedGraph> {
  return executor.readTransaction('export', (tx) => exportIn(tx, options));
}

async function exportIn(tx: TransactionRunner, options: ExportOptions): Promise<ExportedGraph> {
  const warnings: string[] = [];
  const ids = options.around ? await idsAround(tx, options.around, options.hops ?? 1) : null;
  const nodeRows = ids ? await tx.run(EXPORT_QUERIES.nodesById, { ids }) : await tx.run(EXPORT_QUERIES.allNodes);
  const relationshipRows = ids ? await tx.run(EXPORT_QUERIES.relationshipsAmong, { ids }) : await tx.run(EXPORT_QUERIES.allRelationships);

  const nodes = new Map<NodeLabel, Row[]>();
  const cited = new Set<string>();
  for (const { labels, props } of nodeRows) {
    const kinds = labels.filter(isNodeLabel);
    const [label] = kinds;
    if (!label || kinds.length > 1) {
      warnings.push(`node "${String(props.id)}" has labels ${labels.join(', ')}: not one of ${NODE_LABELS.join(', ')}; skipped`);
      continue;
    }
    const record = fromStoredProps(label, props);
    const shape = Object.keys(NODE_SCHEMAS[label].shape);
    for (const key of Object.keys(record)) if (!shape.includes(key)) warnings.push(`${label} "${String(props.id)}": property "${key}" is not in the record format; an import ignores it`);
    for (const s of record.sources) cited.add(s);
    const list = nodes.get(label) ?? [];
    list.push(ordered(record, shape));
    nodes.set(label, list);
  }
  for (const list of nodes.values()) list.sort((a, b) => compare(String(a.id), String(b.id)));

  const relationships = new Map<RelationshipType, Row[]>();
  const sorted = relationshipRows
    .map((row) => ({ ...row, base: linkKey(row.type, row.from, row.to) }))
    .sort((a, b) => compare(a.type, b.type) || compare(a.from, b.from) || compare(a.to, b.to) || keyRank(a.props.key, a.base) - keyRank(b.props.key, b.base) || compare(String(a.props.key), String(b.props.key)));
  const derived = new Map<string, number>();
  const shape = Object.keys(RELATIONSHIP_SCHEMA.shape);
  for (const { from, type, to, props, cites, base } of sorted) {
    if (cites || !isRelationshipType(type)) {
      warnings.push(`relationship ${type} from "${from}" to "${to}" is not in the seed format; skipped`);
      continue;
    }
    const { key, sourceIds, ...rest } = props;
    if (typeof key !== 'string') warnings.push(`${type} from "${from}" to "${to}" has no key; an import gives it one`);
    // The import numbers keyless records between the same ends in file order: keep a key only when that numbering would not give it.
    const next = (derived.get(base) ?? 0) + 1;
    const expected = next === 1 ? base : `${base}#${next}`;
    const keep = typeof key === 'string' && key !== expected;
    if (!keep) derived.set(base, next);
    const sources = isStringArray(sourceIds) ? sourceIds : [];
    for (const s of sources) cited.add(s);
    const record = ordered({ from, to, ...(keep ? { key } : {}), ...rest, sources }, ['from', 'to', 'key', ...shape], ['sources']);
    const list = relationships.get(type) ?? [];
    list.push(record);
    relationships.set(type, list);
  }

  const sourceRows = ids ? await tx.run(EXPORT_QUERIES.sourcesById, { ids: [...cited].sort(compare) }) : await tx.run(EXPORT_QUERIES.allSources);
  const sourceShape = Object.keys(SourceSchema.shape);
  const sources = sourceRows.map((row) => ordered(row.props, sourceShape, [])).sort((a, b) => compare(String(a.id), String(b.id)));
  for (const source of sources) {
    for (const key of Object.keys(source)) if (!sourceShape.includes(key)) warnings.push(`source "${String(source.id)}": property "${key}" is not in the record format; an import ignores it`);
    cited.delete(String(source.id));
  }
  for (const id of cited) warnings.push(`source "${id}" is cited but not in the database; an import will refuse the records citing it`);
  return { sources, nodes, relationships, warnings };
}

const json = (rows: readonly Row[]): string => `${JSON.stringify(rows, null, 1)}\n`;

/**
 * Writes an export as a seed folder: `sources.json`, `nodes/<Label>.json`, `relationships/<TYPE>.json`
 * (a file only for a label or type with records). Returns the files written, relative to `dir`.
 */
export function writeSeedFolder(dir: string, graph: ExportedGraph): string[] {
  const files: [string, Row[]][] = [
    ['sources.json', graph.sources],
    ...NODE_LABELS.flatMap((label): [string, Row[]][] => {
      const rows = graph.nodes.get(label) ?? [];
      return rows.length > 0 ? [[`nodes/${label}.json`, rows]] : [];
    }),
    ...RELATIONSHIP_TYPE_NAMES.flatMap((type): [string, Row[]][] => {
      const rows = graph.relationships.get(type) ?? [];
      return rows.length > 0 ? [[`relationships/${type}.json`, rows]] : [];
    }),
  ];
  for (const [file, rows] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), json(rows));
  }
  return files.map(([file]) => file);
}
