import { findKnownIds, planImport, rawSeedOf, recordCount, writePlan, type ImportPlan, type ImportProblem } from '../import/importer';
import { recordChange, type ChangeInput, type ChangeRecord } from '../db/audit';
import type { TransactionRunner } from '../db/executor';
import type { Properties } from '../db/models';
import { NODE_STATES } from '../db/queries/import';
import { InvalidInputError } from '../errors';
import type { ImportRecordsInput } from '../generated/graphql';
import type { Writer } from './writes';

/**
 * `importRecords`: the bulk import of `npm run import` (import/importer.ts), for writers over GraphQL.
 * Everything is validated first; with problems (or `dryRun`) nothing is written. Otherwise the records,
 * and one audit entry naming every node they wrote with its state before and after, commit in ONE
 * transaction.
 */

export interface ImportResultRecord {
  readonly applied: boolean;
  readonly valid: number;
  readonly problems: ImportProblem[];
  readonly change: ChangeRecord | null;
}

async function nodeStates(tx: TransactionRunner, ids: readonly string[]): Promise<Record<string, Properties> | null> {
  const rows = await tx.run(NODE_STATES, { ids });
  return rows.length === 0 ? null : Object.fromEntries(rows.map((row) => [row.id, row.props]));
}

/** The audit entry of an import (the mutation's and the CLI's): every entity it touched, every source it cites. */
export function importChange(plan: Pick<ImportPlan, 'seed'>, target: string, before: Properties | null, after: Properties): ChangeInput {
  const { nodes, relationships } = plan.seed;
  return {
    action: 'IMPORT',
    target,
    entityIds: [...new Set([...nodes.map((n) => n.id), ...relationships.flatMap((r) => [r.from, r.to])])],
    before,
    after,
    sourceIds: [...new Set([...nodes, ...relationships].flatMap((r) => r.sources))].sort(),
  };
}

export async function importRecordsOf(writer: Writer, records: ImportRecordsInput, dryRun: boolean, maxRecords: number): Promise<ImportResultRecord> {
  const raw = rawSeedOf(records);
  const total = recordCount(raw);
  if (total === 0) throw new InvalidInputError([{ field: 'records', message: 'no records to import' }]);
  if (total > maxRecords) {
    throw new InvalidInputError([{ field: 'records', message: `at most ${maxRecords} records per request (got ${total}); use \`npm run import\` for larger imports` }]);
  }
  if (dryRun) {
    const plan = planImport(raw, await writer.db.readTransaction('importRecords.dryRun', (tx) => findKnownIds(tx, raw)));
    return { applied: false, valid: plan.total, problems: [...plan.problems], change: null };
  }
  return writer.db.writeTransaction('importRecords', async (tx) => {
    const plan = planImport(raw, await findKnownIds(tx, raw));
    if (plan.problems.length > 0) return { applied: false, valid: plan.total, problems: [...plan.problems], change: null };
    const ids = plan.seed.nodes.map((n) => n.id);
    const before = await nodeStates(tx, ids);
    const counts = await writePlan(tx, plan);
    const after = { ...(await nodeStates(tx, ids)), relationships: plan.seed.relationships.map((r) => r.key) };
    const target = `${counts.nodes} nodes, ${counts.relationships} relationships, ${counts.sources} sources`;
    const change = await recordChange(tx, writer.caller, writer.requestId, importChange(plan, target, before, after));
    return { applied: true, valid: plan.total, problems: [], change };
  });
}
