import { z } from 'zod';
import type { ChangeAction, ChangeRecord } from '../audit';
import { encodeCursor } from '../cursor';
import type { Query } from '../executor';
import { SOURCE } from '../rows';

/** The statements of the audit trail (db/audit.ts): append an entry, list entries. */

const CHANGE_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'RECONNECT', 'DISCONNECT', 'IMPORT', 'SEED_UPGRADE'] as const satisfies readonly ChangeAction[];

/** Cursors of the audit trail: the entry's time and id, the order `changes` lists them in. */
export const CHANGES_ORDER = 'changes:at';

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
export const RECORD_CHANGE: Query<z.infer<typeof CHANGE_ROW>> = {
  name: 'audit.recordChange',
  row: CHANGE_ROW,
  cypher: `
CREATE (c:Change {
  id: randomUUID(), at: datetime.realtime(), actor: $actor, role: $role, action: $action, target: $target,
  entityIds: $entityIds, before: $before, after: $after, sourceIds: $sourceIds, requestId: $requestId
})
RETURN ${CHANGE_FIELDS} AS change`,
};

/** Entries oldest first, filtered by time, entity and a keyset position. */
export const LIST_CHANGES: Query<z.infer<typeof CHANGE_ROW>> = {
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
