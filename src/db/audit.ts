import neo4j from 'neo4j-driver';
import { isIsoDateTime } from '../dateTime';
import { BadUserInputError } from '../errors';
import { decodeCursor } from './cursor';
import type { Executor, TransactionRunner } from './executor';
import type { Properties, SourceRecord } from './models';
import { CHANGES_ORDER, LIST_CHANGES, RECORD_CHANGE } from './queries/audit';
import type { Caller } from '../auth';

/**
 * The audit trail: one append-only `:Change` node per write, created in the same transaction as the
 * write itself (so there is no change without its entry, and no entry without its change). Entries are
 * never updated or deleted by the application, and they are not part of the knowledge graph's content.
 */

export type ChangeAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | 'RECONNECT' | 'DISCONNECT' | 'IMPORT' | 'SEED_UPGRADE';

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

/** Stored properties as the audit keeps them: canonical JSON, keys sorted. */
export function snapshot(props: Properties | null): string | null {
  if (props === null) return null;
  return JSON.stringify(Object.fromEntries(Object.entries(props).sort(([a], [b]) => a.localeCompare(b))));
}

/** Appends an entry for a change, inside the transaction that makes the change. */
export async function recordChange(tx: TransactionRunner, caller: Caller, requestId: string, change: ChangeInput): Promise<ChangeRecord> {
  const [row] = await tx.run(RECORD_CHANGE, {
    actor: caller.name ?? 'anonymous',
    role: caller.role,
    action: change.action,
    target: change.target,
    entityIds: [...change.entityIds],
    before: snapshot(change.before),
    after: snapshot(change.after),
    sourceIds: [...change.sourceIds],
    requestId,
  });
  if (!row) throw new Error('recording the change returned nothing');
  return row.change;
}

/**
 * Entries oldest first, at or after `since` (an ISO date-time), optionally concerning one entity,
 * after the entry whose `cursor` is `after` (a cursor of another list is BAD_USER_INPUT).
 */
export async function listChanges(db: Executor, filter: { since: string | null; entity: string | null; after: string | null; first: number }): Promise<ChangeRecord[]> {
  const { after, first, ...rest } = filter;
  const position = after === null ? null : decodeCursor(after, CHANGES_ORDER, 'after');
  // The key is the entry's time as Neo4j wrote it (UTC); anything else was not issued here.
  if (position && (typeof position.key !== 'string' || !isIsoDateTime(position.key, { requireUtcTime: true }))) {
    throw new BadUserInputError('"after" is not a cursor returned by this API', 'after');
  }
  const rows = await db.read(LIST_CHANGES, { ...rest, first: neo4j.int(first), afterAt: position ? String(position.key) : null, afterId: position?.id ?? null });
  return rows.map((row) => row.change);
}
