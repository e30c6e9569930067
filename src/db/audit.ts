import type { Integer } from 'neo4j-driver';
import { isIsoDateTime } from '../dateTime';
import { BadUserInputError } from '../errors';
import { decodeCursor, encodeCursor } from './cursor';
import { z } from 'zod';
import type { Executor, Query, TransactionRunner } from './executor';
import type { Properties, SourceRecord } from './models';
import { SOURCE } from './rows';
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

const CHANGE_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'RECONNECT', 'DISCONNECT', 'IMPORT'] as const satisfies readonly ChangeAction[];

/** Cursors of the audit trail: the entry's time and id, the order `changes` lists them in. */
const CHANGES_ORDER = 'changes:at';

/** A `:Change` as CHANGE_FIELDS returns it, decoded into the record resolvers get (with its cursor). */
const CHANGE_ROW = z.object({
  change: z
    .object({
      id: z.string(),
      at: z.string(),
      actor: z.string(),
      action: z.enum(CHANGE_ACTIONS),
      target: z.string(),
      entityIds: z.array(z.string()),
      before: z.string().nullable(),
      after: z.string().nullable(),
      requestId: z.string().nullable(),
      sources: z.array(SOURCE),
    })
    .transform((raw): ChangeRecord => ({ ...raw, cursor: encodeCursor({ sort: CHANGES_ORDER, key: raw.at, id: raw.id }) })),
});

const CHANGE_FIELDS = `c {.id, at: toString(c.at), .actor, .action, .target, .entityIds, .before, .after, .requestId,
  sources: COLLECT { MATCH (s:Source) WHERE s.id IN c.sourceIds RETURN {labels: labels(s), props: properties(s)} }}`;

/**
 * `at` is the clock when the entry is written, after the writer took its locks: writers of the same
 * entity are serialised, so their entries sort in the order they happened (the transaction's start time
 * would sort a writer that waited before the one it waited for).
 */
const RECORD_CHANGE: Query<z.infer<typeof CHANGE_ROW>> = {
  name: 'audit.recordChange',
  row: CHANGE_ROW,
  cypher: `
CREATE (c:Change {
  id: randomUUID(), at: datetime.realtime(), actor: $actor, role: $role, action: $action, target: $target,
  entityIds: $entityIds, before: $before, after: $after, sourceIds: $sourceIds, requestId: $requestId
})
RETURN ${CHANGE_FIELDS} AS change`,
};

const LIST_CHANGES: Query<z.infer<typeof CHANGE_ROW>> = {
  name: 'audit.listChanges',
  row: CHANGE_ROW,
  cypher: `
MATCH (c:Change)
WHERE ($since IS NULL OR c.at >= datetime($since)) AND ($entity IS NULL OR $entity IN c.entityIds)
  AND ($afterAt IS NULL OR c.at > datetime($afterAt) OR (c.at = datetime($afterAt) AND c.id > $afterId))
WITH c ORDER BY c.at, c.id
LIMIT $first
RETURN ${CHANGE_FIELDS} AS change`,
};

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
export async function listChanges(db: Executor, filter: { since: string | null; entity: string | null; after: string | null; first: Integer }): Promise<ChangeRecord[]> {
  const { after, ...rest } = filter;
  const position = after === null ? null : decodeCursor(after, CHANGES_ORDER, 'after');
  // The key is the entry's time as Neo4j wrote it (UTC); anything else was not issued here.
  if (position && (typeof position.key !== 'string' || !isIsoDateTime(position.key, { requireUtcTime: true }))) {
    throw new BadUserInputError('"after" is not a cursor returned by this API', 'after');
  }
  const rows = await db.read(LIST_CHANGES, { ...rest, afterAt: position ? String(position.key) : null, afterId: position?.id ?? null });
  return rows.map((row) => row.change);
}
