import type { Executor, TransactionRunner } from '../db/executor';
import { NODE_LABELS, RELATIONSHIP_TYPE_NAMES, isNodeLabel, type NodeLabel } from '../domain/graphModel';
import { fieldOf } from '../domain/guards';
import { CREATE_RELATIONSHIPS, FIND_KNOWN_IDS, UPSERT_ENTITIES, UPSERT_FIGURES, UPSERT_SOURCES, upsertRelationships } from '../db/queries/import';
import { AWAIT_INDEXES, SCHEMA_PRESENT, SCHEMA_STATEMENTS } from '../db/queries/schema';
import { HAS_OLD_CHANGES, NUMBER_OLD_CHANGES } from '../db/queries/audit';
import type { Confidence } from '../domain/provenance';
import { checkSeed, type ImportProblem, type KnownIds, type RawSeed, type ValidSeed } from '../domain/validate';

export type { ImportProblem, KnownIds, RawSeed } from '../domain/validate';

/**
 * The bulk import, for the CLI (`npm run import`) and the `importRecords` mutation alike:
 *
 * 1. `findKnownIds(runner, raw)` — ONE read of the ids the records refer to that already exist;
 * 2. `planImport(raw, known)` — validates every record (nothing stops at the first problem);
 * 3. when `plan.problems` is empty: `writePlan(runner, plan)` inside a transaction the caller owns (the
 *    mutation, which adds its audit entry to the same transaction), or `applyImport(driver, …)`, which
 *    writes in one transaction or in resumable batches.
 *
 * Writes are MERGEs on constrained keys (db/queries/import.ts): a record replaces the stored properties
 * of its id; a relationship those of the relationship with its key (CREATEd instead when an end is new in
 * the transaction, where MERGE could find nothing). Running the same import twice leaves the
 * same graph, which is what makes batches resumable: after a failure, run the whole import again.
 */

/** Imports up to this many records are written in one transaction by default; larger ones in batches. */
export const DEFAULT_ATOMIC_LIMIT = 20_000;
export const DEFAULT_BATCH_SIZE = 1_000;

/**
 * Creates the constraints (which MERGE relies on) and indexes that are missing, waits for them unless
 * `awaitIndexes` is false, and numbers audit entries written before the audit clock existed.
 * Idempotent. On a store that has everything this is two reads: a statement Neo4j has not run before
 * costs a few hundred milliseconds of planning right after it starts, so start-up skips what exists.
 */
export async function ensureSchema(executor: Executor, options: { readonly awaitIndexes?: boolean } = {}): Promise<void> {
  const present = await executor.read(SCHEMA_PRESENT);
  const constraints = new Set(present.flatMap((index) => index.owningConstraint ?? []));
  const indexes = new Set(present.filter((index) => index.owningConstraint === null).map((index) => index.name));
  const missing = SCHEMA_STATEMENTS.filter((statement) => !(statement.kind === 'constraint' ? constraints : indexes).has(statement.schemaName));
  for (const statement of missing) await executor.execute(statement);
  if (options.awaitIndexes !== false && (missing.length > 0 || present.some((index) => !index.online))) await awaitIndexes(executor);
  const [old] = await executor.read(HAS_OLD_CHANGES);
  if (old?.found) await executor.execute(NUMBER_OLD_CHANGES);
}

/**
 * Waits until every index is online (at most a minute). Writes need not wait (a unique constraint is
 * in force once created; writes reach an index still being populated), reads of an index do.
 */
export async function awaitIndexes(executor: Executor): Promise<void> {
  await executor.execute(AWAIT_INDEXES, { seconds: 60 });
}

export interface ImportCounts {
  readonly sources: number;
  readonly nodes: number;
  readonly relationships: number;
}

/** What an import would write: the valid records, and every problem. Write it only when `problems` is empty. */
export interface ImportPlan {
  readonly problems: readonly ImportProblem[];
  readonly seed: ValidSeed;
  /** Valid records by kind, and in all. */
  readonly counts: ImportCounts;
  readonly total: number;
}

/** Records as the `importRecords` mutation receives them (the seed format, grouped by label and type). */
export interface ImportRecords {
  readonly sources?: readonly unknown[] | null;
  readonly nodes?: readonly { readonly label: string; readonly records: readonly unknown[] }[] | null;
  readonly relationships?: readonly { readonly type: string; readonly records: readonly unknown[] }[] | null;
}

/**
 * In-memory records as a `RawSeed`. Problems name the group as the file (`sources`, `nodes[0]`,
 * `relationships[2]`: the position in the input) and the record number in it (from 1) as the line.
 */
export function rawSeedOf(records: ImportRecords): RawSeed {
  const numbered = (file: string, list: readonly unknown[]) => list.map((data, i) => ({ file, index: i + 1, data }));
  return {
    sources: numbered('sources', records.sources ?? []),
    nodes: (records.nodes ?? []).map((group, i) => ({ label: group.label, file: `nodes[${i}]`, records: numbered(`nodes[${i}]`, group.records) })),
    relationships: (records.relationships ?? []).map((group, i) => ({ type: group.type, file: `relationships[${i}]`, records: numbered(`relationships[${i}]`, group.records) })),
  };
}

/** The number of records (sources, nodes and relationships), valid or not: for size limits. */
export function recordCount(raw: RawSeed): number {
  return raw.sources.length + [...raw.nodes, ...raw.relationships].reduce((sum, group) => sum + group.records.length, 0);
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

/** Ids the records define or refer to that the database may already hold (looked up before validation). */
export function idsToLookUp(raw: RawSeed): { nodeIds: string[]; sourceIds: string[] } {
  // Ids the import defines, and their former ids (rule redirect-unique checks none is a stored entity's id).
  const defined = new Set(raw.nodes.flatMap((g) => g.records.flatMap((r) => [...strings(fieldOf(r.data, 'id')), ...strings(fieldOf(r.data, 'formerIds'))])));
  // Ends of relationships, and the products flows name (rule flow-product checks they are Products).
  const ends = raw.relationships.flatMap((g) =>
    g.records.flatMap((r) => [...strings(fieldOf(r.data, 'from')), ...strings(fieldOf(r.data, 'to')), ...strings(fieldOf(r.data, 'product'))]),
  );
  const ownSources = new Set(raw.sources.flatMap((r) => strings(fieldOf(r.data, 'id'))));
  const cited = [...raw.nodes, ...raw.relationships].flatMap((g) => g.records.flatMap((r) => strings(fieldOf(r.data, 'sources'))));
  return {
    nodeIds: [...new Set([...defined, ...ends])].sort(),
    sourceIds: [...new Set(cited.filter((s) => !ownSources.has(s)))].sort(),
  };
}

/** Looks up, in one statement, the ids of `raw` that already exist in the database. */
export async function findKnownIds(tx: TransactionRunner, raw: RawSeed): Promise<KnownIds> {
  const rows = await tx.run(FIND_KNOWN_IDS, idsToLookUp(raw));
  const nodes = new Map<string, NodeLabel>();
  const sources = new Set<string>();
  const confidences = new Map<string, Confidence>();
  for (const { id, labels, confidence } of rows) {
    if (labels.includes('Source')) sources.add(id);
    else {
      const label = labels.find(isNodeLabel);
      if (label) nodes.set(id, label);
      confidences.set(id, confidence ?? 'stated');
    }
  }
  return { nodes, sources, confidences };
}

/** Validates every record of `raw`; references may point at the records themselves or at `known` ids. */
export function planImport(raw: RawSeed, known?: KnownIds): ImportPlan {
  const { problems, seed } = checkSeed(raw, known);
  const counts = { sources: seed.sources.length, nodes: seed.nodes.length, relationships: seed.relationships.length };
  return { problems, seed, counts, total: counts.sources + counts.nodes + counts.relationships };
}

/** Thrown when asked to write a plan that has problems: nothing was written. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(readonly problems: readonly ImportProblem[]) {
    super(`The import has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`);
  }
}

/**
 * The nodes created so far in one transaction, by id: a relationship with an end among them is CREATEd
 * (db/queries/import.ts, CREATE_RELATIONSHIPS), the others are MERGEd by type.
 */
type CreatedIds = Set<string>;

/** Rows for one kind of record; `write` runs them and returns how many rows it wrote. */
interface Piece {
  readonly name: string;
  readonly kind: keyof ImportCounts;
  readonly rows: readonly Record<string, unknown>[];
  readonly write: (tx: TransactionRunner, rows: readonly Record<string, unknown>[], created: CreatedIds) => Promise<number>;
}

/** The rows of the write statements (db/queries/import.ts): the stored form of each record. */
export const sourceRow = (s: ValidSeed['sources'][number]) => ({
  id: s.id,
  props: { title: s.title, publisher: s.publisher ?? null, date: s.date ?? null, dateNote: s.dateNote ?? null, url: s.url ?? null },
});
export const nodeRow = (n: ValidSeed['nodes'][number]) => ({ id: n.id, label: n.label, props: { ...n.props, sourceIds: n.sources } });
export const relationshipRow = (r: ValidSeed['relationships'][number]) => ({ type: r.type, from: r.from, to: r.to, key: r.key, props: { ...r.props, key: r.key, sourceIds: r.sources } });

type NodeRow = ReturnType<typeof nodeRow>;
type RelationshipRow = ReturnType<typeof relationshipRow>;

/** Writes node rows with one statement (entities or figures) and notes the ids it created. */
function writeNodes(query: typeof UPSERT_ENTITIES) {
  return async (tx: TransactionRunner, rows: readonly Record<string, unknown>[], created: CreatedIds): Promise<number> => {
    const written = await tx.run(query, { rows });
    for (const row of written) if (row.created) created.add(row.props.id);
    return written.length;
  };
}

/** Writes relationship rows: those with an end created in this transaction in one CREATE, the others MERGEd by type. */
async function writeRelationships(tx: TransactionRunner, rows: readonly Record<string, unknown>[], created: CreatedIds): Promise<number> {
  const links = rows as readonly RelationshipRow[];
  const isNew = (link: RelationshipRow) => created.has(link.from) || created.has(link.to);
  const fresh = links.filter(isNew);
  let count = fresh.length > 0 ? (await tx.run(CREATE_RELATIONSHIPS, { rows: fresh })).length : 0;
  for (const type of RELATIONSHIP_TYPE_NAMES) {
    const merged = links.filter((link) => link.type === type && !isNew(link));
    if (merged.length > 0) count += (await tx.run(upsertRelationships(type), { rows: merged })).length;
  }
  return count;
}

/** The statements that write a seed, in dependency order (sources, nodes, then relationships), cut into batches of at most `size` records. */
function batchesOf(seed: ValidSeed, size: number): Piece[][] {
  const byLabel = (label: NodeLabel): NodeRow[] => seed.nodes.filter((n) => n.label === label).map(nodeRow);
  const groups: Piece[] = [
    {
      name: UPSERT_SOURCES.name,
      kind: 'sources',
      rows: seed.sources.map(sourceRow),
      write: async (tx, rows) => (await tx.run(UPSERT_SOURCES, { rows }))[0]?.written ?? 0,
    },
    { name: UPSERT_ENTITIES.name, kind: 'nodes', rows: NODE_LABELS.filter((label) => label !== 'Figure').flatMap(byLabel), write: writeNodes(UPSERT_ENTITIES) },
    { name: UPSERT_FIGURES.name, kind: 'nodes', rows: byLabel('Figure'), write: writeNodes(UPSERT_FIGURES) },
    {
      name: 'write.relationships',
      kind: 'relationships',
      rows: RELATIONSHIP_TYPE_NAMES.flatMap((type) => seed.relationships.filter((r) => r.type === type).map(relationshipRow)),
      write: writeRelationships,
    },
  ];
  const batches: Piece[][] = [];
  let batch: Piece[] = [];
  let room = size;
  for (const group of groups) {
    for (let at = 0; at < group.rows.length; ) {
      const rows = group.rows.slice(at, at + room);
      batch.push({ ...group, rows });
      at += rows.length;
      room -= rows.length;
      if (room === 0) (batches.push(batch), (batch = []), (room = size));
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Runs the pieces of one transaction (a driver retry runs them again from an empty `created`). */
async function writePieces(tx: TransactionRunner, pieces: readonly Piece[], onPiece: (records: number) => void): Promise<ImportCounts> {
  const written = { sources: 0, nodes: 0, relationships: 0 };
  const created: CreatedIds = new Set();
  for (const piece of pieces) {
    const count = await piece.write(tx, piece.rows, created);
    // A relationship whose end vanished since validation matches nothing: refuse rather than drop it.
    if (count !== piece.rows.length) throw new Error(`${piece.name}: wrote ${count} of ${piece.rows.length} rows (an end was deleted since validation?)`);
    written[piece.kind] += count;
    onPiece(count);
  }
  return written;
}

const add = (a: ImportCounts, b: ImportCounts): ImportCounts => ({ sources: a.sources + b.sources, nodes: a.nodes + b.nodes, relationships: a.relationships + b.relationships });

/**
 * Writes the plan with the caller's runner, inside the caller's transaction (the `importRecords`
 * mutation). Statements carry at most `chunkSize` rows each. Throws `ImportRefusedError` when the plan
 * has problems.
 */
export async function writePlan(tx: TransactionRunner, plan: Pick<ImportPlan, 'problems' | 'seed'>, options: { chunkSize?: number } = {}): Promise<ImportCounts> {
  if (plan.problems.length > 0) throw new ImportRefusedError(plan.problems);
  return writePieces(tx, batchesOf(plan.seed, options.chunkSize ?? DEFAULT_BATCH_SIZE).flat(), () => undefined);
}

export interface ImportProgress {
  /** Records written (committed, in batch mode) so far, and in all. */
  readonly done: number;
  readonly total: number;
  /** The batch just written (from 1), and the number of batches (1 when atomic). */
  readonly batch: number;
  readonly batches: number;
}

export interface ApplyOptions {
  /** Records per batch (batch mode) or per statement (atomic mode). Default 1,000. */
  readonly batchSize?: number;
  /** Up to this many records, write everything in ONE transaction; above it, in batches. Default 20,000; 0 forces batches. */
  readonly atomicLimit?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  /**
   * Runs inside the transaction that completes the import (the only one, or the last batch's), after its
   * records: the CLI writes its audit entry there, so the entry commits with the data that completes it.
   */
  readonly onComplete?: (tx: TransactionRunner, mode: ApplyResult['mode']) => Promise<void>;
}

export interface ApplyResult {
  /** `atomic`: one transaction, all or nothing. `batches`: one transaction per batch; rerun the import after a failure. */
  readonly mode: 'atomic' | 'batches';
  readonly batches: number;
  readonly written: ImportCounts;
}

/** A batch failed; the batches before it are committed. Running the same import again completes it. */
export class ImportBatchError extends Error {
  override readonly name = 'ImportBatchError';
  constructor(
    readonly batch: number,
    readonly batches: number,
    readonly committed: number,
    override readonly cause: unknown,
  ) {
    super(
      `batch ${batch} of ${batches} failed, ${committed} records committed before it: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Run the same import again to finish it (batches are idempotent).',
    );
  }
}

/**
 * Creates the constraints, then writes the plan: in ONE transaction when it has at most `atomicLimit`
 * records (all or nothing), otherwise in batches of `batchSize` records, each its own transaction,
 * sources first, then nodes, then relationships (so every batch finds the ends it links). After a failed
 * batch (`ImportBatchError`) the graph holds the batches before it; rerunning the import converges to
 * the same graph as an uninterrupted run. Throws `ImportRefusedError` when the plan has problems.
 */
export async function applyImport(executor: Executor, plan: Pick<ImportPlan, 'problems' | 'seed'>, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.problems.length > 0) throw new ImportRefusedError(plan.problems);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const batches = batchesOf(plan.seed, batchSize);
  const total = batches.flat().reduce((sum, piece) => sum + piece.rows.length, 0);
  const report = options.onProgress ?? (() => undefined);
  // The indexes fill while the records are written; they are awaited once the import is done.
  await ensureSchema(executor, { awaitIndexes: false });
  if (total <= (options.atomicLimit ?? DEFAULT_ATOMIC_LIMIT)) {
    const written = await executor.writeTransaction('import.atomic', async (tx) => {
      // The driver may retry the whole transaction: progress starts again with it.
      let done = 0;
      const counts = await writePieces(tx, batches.flat(), (count) => report({ done: (done += count), total, batch: 1, batches: 1 }));
      await options.onComplete?.(tx, 'atomic');
      return counts;
    });
    await awaitIndexes(executor);
    return { mode: 'atomic', batches: 1, written };
  }
  let written: ImportCounts = { sources: 0, nodes: 0, relationships: 0 };
  let done = 0;
  for (const [i, batch] of batches.entries()) {
    try {
      const last = i === batches.length - 1;
      const counts = await executor.writeTransaction(`import.batch${i + 1}`, async (tx) => {
        const inBatch = await writePieces(tx, batch, () => undefined);
        if (last) await options.onComplete?.(tx, 'batches');
        return inBatch;
      });
      written = add(written, counts);
    } catch (error) {
      throw new ImportBatchError(i + 1, batches.length, done, error);
    }
    done = written.sources + written.nodes + written.relationships;
    report({ done, total, batch: i + 1, batches: batches.length });
  }
  await awaitIndexes(executor);
  return { mode: 'batches', batches: batches.length, written };
}
