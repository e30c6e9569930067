import { z } from 'zod';
import type { ChangeAction, ChangeRecord } from '../audit';
import { encodeCursor } from '../cursor';
import type { NamedQuery, Query } from '../executor';
import { SOURCE } from '../rows';

/** The statements of the audit trail (db/audit.ts): append an entry, list entries. */

const CHANGE_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'RECONNECT', 'DISCONNECT', 'IMPORT', 'SEED_UPGRADE'] as const satisfies readonly ChangeAction[];

/**
 * Cursors of the audit trail: the entry's sequence number (and id), the order `changes` lists them in and
 * subscriptions deliver them in.
 */
export const CHANGES_ORDER = 'changes:seq';

/** Entries read at most per statement by the audit follower and by a subscriber catching up. */
export const CHANGES_PAGE = 500;

/** A `:Change` as CHANGE_FIELDS returns it, decoded into the record resolvers get (with its cursor). */
const CHANGE_ROW = z.object({
  change: z
    .object({
      id: z.string(),
      seq: z.number().int(),
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
    .transform((raw): ChangeRecord => ({ ...raw, cursor: encodeCursor({ sort: CHANGES_ORDER, key: raw.seq, id: raw.id }) })),
});

const CHANGE_FIELDS = `c {.id, .seq, at: toString(c.at), .actor, .action, .target, .entityIds, .before, .after, .requestId,
  sources: COLLECT { MATCH (s:Source) WHERE s.id IN c.sourceIds RETURN {labels: labels(s), props: properties(s)} }}`;

/** The audit clock, made on first use to start after the highest number present (index-backed). */
const CLOCK = `
CALL () { OPTIONAL MATCH (c:Change) WHERE c.seq IS NOT NULL RETURN c.seq AS highest ORDER BY c.seq DESC LIMIT 1 }
MERGE (clock:AuditClock {id: 'audit'}) ON CREATE SET clock.seq = coalesce(highest, 0)`;

/**
 * `seq` numbers the entries in commit order. It comes from one `:AuditClock` node whose write lock the
 * transaction holds from here to its commit: a writer that takes the next number waits until the one
 * before it has committed. So once an entry is visible, every entry with a smaller number is too, and a
 * reader that goes on after the last number it saw misses nothing (db/audit.ts, subscriptions/). The
 * clock starts after the highest number present (a store written before the clock existed has none).
 * This is the transaction's last write, so the lock is never held while waiting for another.
 *
 * `at` is the clock when the entry is written, after the writer took its locks.
 */
export const RECORD_CHANGE: Query<z.infer<typeof CHANGE_ROW>> = {
  name: 'audit.recordChange',
  row: CHANGE_ROW,
  cypher: `
${CLOCK}
SET clock.seq = clock.seq + 1
CREATE (c:Change {
  id: randomUUID(), seq: clock.seq, at: datetime.realtime(), actor: $actor, role: $role, action: $action, target: $target,
  entityIds: $entityIds, before: $before, after: $after, sourceIds: $sourceIds, requestId: $requestId
})
RETURN ${CHANGE_FIELDS} AS change`,
};

/**
 * Entries in commit order after `$after` (a sequence number) up to `$upTo` (null: no bound), filtered by
 * time, entity and action: the `changes` list, the audit follower and a subscriber catching up.
 */
export const LIST_CHANGES: Query<z.infer<typeof CHANGE_ROW>> = {
  name: 'audit.listChanges',
  row: CHANGE_ROW,
  cypher: `
MATCH (c:Change)
WHERE c.seq > $after AND ($upTo IS NULL OR c.seq <= $upTo)
  AND ($since IS NULL OR c.at >= datetime($since)) AND ($entity IS NULL OR $entity IN c.entityIds)
  AND ($actions IS NULL OR c.action IN $actions)
WITH c ORDER BY c.seq
LIMIT $first
RETURN ${CHANGE_FIELDS} AS change`,
};

/** The number of the newest entry (0 when there is none): where a subscription without `after` starts. */
export const LATEST_CHANGE: Query<{ seq: number }> = {
  name: 'audit.latest',
  row: z.object({ seq: z.number().int() }),
  cypher: 'OPTIONAL MATCH (c:Change) WHERE c.seq IS NOT NULL WITH c ORDER BY c.seq DESC LIMIT 1 RETURN coalesce(c.seq, 0) AS seq',
};

/** Whether some entry has no sequence number yet (written before the audit clock existed). */
export const HAS_OLD_CHANGES: Query<{ found: boolean }> = {
  name: 'audit.hasOldChanges',
  row: z.object({ found: z.boolean() }),
  cypher: 'RETURN EXISTS { MATCH (c:Change) WHERE c.seq IS NULL } AS found',
};

/**
 * Numbers the entries written before the audit clock existed, oldest first, after any numbered ones, and
 * sets the clock past them (start-up, before serving). Writes nothing when there are none (an empty
 * store stays empty; the first audited write makes the clock).
 */
export const NUMBER_OLD_CHANGES: NamedQuery = {
  name: 'audit.numberOldChanges',
  cypher: `
MATCH (c:Change) WHERE c.seq IS NULL
WITH c ORDER BY c.at, c.id
WITH collect(c) AS old
WHERE size(old) > 0
${CLOCK}
WITH clock, old
FOREACH (i IN range(0, size(old) - 1) | FOREACH (c IN [old[i]] | SET c.seq = clock.seq + 1 + i))
SET clock.seq = clock.seq + size(old)`,
};
