import type { Integer } from 'neo4j-driver';
import { isIsoDateTime } from '../dateTime';
import { BadUserInputError } from '../errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { Executor, NamedQuery } from './executor';
import { type Properties, type SourceRecord, toNodeRecord } from './models';
import type { Caller } from '../auth';

/**
 * The audit trail: one append-only `:Change` node per write, created in the same transaction as the
 * write itself (so there is no change without its entry, and no entry without its change). Entries are
 * never updated or deleted by the application, and they are not part of the knowledge graph's content.
 */

export type ChangeAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | 'RECONNECT' | 'DISCONNECT' | 'IMPORT';

export interface ChangeRecord {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: ChangeAction;
  readonly target: string;
  readonly entityIds: string[];
  readonly before: string | null;
  readonly after: string | null;
  readonly sources: SourceRecord[];
  readonly requestId: string | null;
  /** Where the next page of `changes` starts (`after`). */
  readonly cursor: string;
}

export interface ChangeInput {
  readonly action: ChangeAction;
  readonly target: string;
  readonly entityIds: string[];
  readonly before: Properties | null;
  readonly after: Properties | null;
  readonly sourceIds: readonly string[];
}

const CHANGE_FIELDS = `c {.id, at: toString(c.at), .actor, .action, .target, .entityIds, .before, .after, .requestId,
  sources: COLLECT { MATCH (s:Source) WHERE s.id IN c.sourceIds RETURN {labels: labels(s), props: properties(s)} }}`;

/**
 * `at` is the clock when the entry is written, after the writer took its locks: writers of the same
 * entity are serialised, so their entries sort in the order they happened (the transaction's start time
 * would sort a writer that waited before the one it waited for).
 */
const RECORD_CHANGE: NamedQuery = {
  name: 'audit.recordChange',
  cypher: `
CREATE (c:Change {
  id: randomUUID(), at: datetime.realtime(), actor: $actor, role: $role, action: $action, target: $target,
  entityIds: $entityIds, before: $before, after: $after, sourceIds: $sourceIds, requestId: $requestId
})
RETURN ${CHANGE_FIELDS} AS change`,
};

const LIST_CHANGES: NamedQuery = {
  name: 'audit.listChanges',
  cypher: `
MATCH (c:Change)
WHERE ($since IS NULL OR c.at >= datetime($since)) AND ($entity IS NULL OR $entity IN c.entityIds)
  AND ($afterAt IS NULL OR c.at > datetime($afterAt) OR (c.at = datetime($afterAt) AND c.id > $afterId))
WITH c ORDER BY c.at, c.id
LIMIT $first
RETURN ${CHANGE_FIELDS} AS change`,
};

interface RawChange extends Omit<ChangeRecord, 'sources' | 'cursor'> {
  readonly sources: readonly { labels: string[]; props: Properties }[];
}

/** Cursors of the audit trail: the entry's time and id, the order `changes` lists them in. */
const CHANGES_ORDER = 'changes:at';

function toChangeRecord(raw: RawChange): ChangeRecord {
  return { ...raw, sources: raw.sources.map((s) => toNodeRecord(s) as SourceRecord), cursor: encodeCursor({ sort: CHANGES_ORDER, key: raw.at, id: raw.id }) };
}

/** Stored properties as the audit keeps them: canonical JSON, keys sorted. */
export function snapshot(props: Properties | null): string | null {
  if (props === null) return null;
  return JSON.stringify(Object.fromEntries(Object.entries(props).sort(([a], [b]) => a.localeCompare(b))));
}

/** Runs a statement in the write transaction that makes a change: a `TransactionRunner`, or the importer's `runnerOf(tx)`. */
export interface StatementRunner {
  run(query: NamedQuery, params: Record<string, unknown>): Promise<Record<string, unknown>[]>;
}

/** Appends an entry for a change, inside the transaction that makes the change. */
export async function recordChange(tx: StatementRunner, caller: Caller, requestId: string, change: ChangeInput): Promise<ChangeRecord> {
  const [row] = (await tx.run(RECORD_CHANGE, {
    actor: caller.name ?? 'anonymous',
    role: caller.role,
    action: change.action,
    target: change.target,
    entityIds: [...change.entityIds],
    before: snapshot(change.before),
    after: snapshot(change.after),
    sourceIds: [...change.sourceIds],
    requestId,
  })) as { change: RawChange }[];
  if (!row) throw new Error('recording the change returned nothing');
  return toChangeRecord(row.change);
}

/**
 * Entries oldest first, at or after `since` (an ISO date-time), optionally concerning one entity,
 * after the entry whose `cursor` is `after` (a cursor of another list is BAD_USER_INPUT).
 */
export async function listChanges(db: Executor, filter: { since: string | null; entity: string | null; after: string | null; first: Integer }): Promise<ChangeRecord[]> {
  const { after, ...rest } = filter;
  const position = after === null ? null : decodeCursor(after, CHANGES_ORDER, 'after');
  // The key is the entry's time as Neo4j wrote it (UTC); anything else was not issued here.
  if (position && (typeof position.key !== 'string' || !isIsoDateTime(position.key, { requireUtcTime: true }))) {
    throw new BadUserInputError('"after" is not a cursor returned by this API', 'after');
  }
  const rows = await db.read<{ change: RawChange }>(LIST_CHANGES, { ...rest, afterAt: position ? String(position.key) : null, afterId: position?.id ?? null });
  return rows.map((row) => toChangeRecord(row.change));
}
