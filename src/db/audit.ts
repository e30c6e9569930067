import neo4j from 'neo4j-driver';
import { BadUserInputError } from '../errors';
import { decodeCursor } from './cursor';
import type { Executor, TransactionRunner } from './executor';
import type { Properties, SourceRecord } from './models';
import { CHANGES_ORDER, LATEST_CHANGE, LIST_CHANGES, RECORD_CHANGE } from './queries/audit';
import type { Caller } from '../auth';

/**
 * The audit trail: one append-only `:Change` node per write, created in the same transaction as the
 * write itself (so there is no change without its entry, and no entry without its change). Entries are
 * never updated or deleted by the application, and they are not part of the knowledge graph's content.
 */

export type ChangeAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | 'RECONNECT' | 'DISCONNECT' | 'IMPORT' | 'SEED_UPGRADE';

export interface ChangeRecord {
  readonly id: string;
  /** Position in commit order (queries/audit.ts). */
  readonly seq: number;
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

/** Which entries a reader wants: at or after `since` (ISO date-time), concerning `entity`, of these actions. */
export interface ChangeFilter {
  readonly since: string | null;
  readonly entity: string | null;
  readonly actions: readonly ChangeAction[] | null;
}

export const NO_FILTER: ChangeFilter = { since: null, entity: null, actions: null };

/**
 * The sequence number a cursor of `changes` points at: the list, and a subscription's `after:`, go on
 * after it (a cursor of another list, or not issued here, is BAD_USER_INPUT).
 */
export function changeCursorPosition(cursor: string, argument: string): number {
  const position = decodeCursor(cursor, CHANGES_ORDER, argument);
  if (typeof position.key !== 'number' || !Number.isSafeInteger(position.key) || position.key < 0) {
    throw new BadUserInputError(`"${argument}" is not a cursor returned by this API`, argument);
  }
  return position.key;
}

/**
 * Entries in commit order after sequence number `after`, at most `first`, up to `upTo` when given.
 * Entries appear in this order and never between two already visible (queries/audit.ts), so a reader
 * that goes on from its last entry sees each one exactly once.
 */
export async function changesAfter(db: Executor, filter: ChangeFilter, after: number, first: number, upTo: number | null = null): Promise<ChangeRecord[]> {
  const rows = await db.read(LIST_CHANGES, {
    since: filter.since,
    entity: filter.entity,
    actions: filter.actions === null ? null : [...filter.actions],
    after: neo4j.int(after),
    upTo: upTo === null ? null : neo4j.int(upTo),
    first: neo4j.int(first),
  });
  return rows.map((row) => row.change);
}

/** The `changes` list: entries oldest first, after the entry whose `cursor` is `after`. */
export async function listChanges(db: Executor, filter: ChangeFilter & { after: string | null; first: number }): Promise<ChangeRecord[]> {
  const { after, first, ...rest } = filter;
  return changesAfter(db, rest, after === null ? 0 : changeCursorPosition(after, 'after'), first);
}

/** The sequence number of the newest entry, 0 when there is none. */
export async function latestChange(db: Executor): Promise<number> {
  const [row] = await db.read(LATEST_CHANGE);
  return row?.seq ?? 0;
}
