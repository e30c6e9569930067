import type { MutationResolvers, SourceInput } from '../generated/graphql';
import type { Context } from '../context';
import { requireRole } from '../auth';
import type { EntityLabel } from '../db/models';
import { connect, deleteEntity, deleteFigure, disconnect, upsertEntityOf, upsertFigure, type Writer } from '../curation/writes';
import { importRecordsOf } from '../curation/imports';
import type { EntityInput } from '../curation/inputs';

type Resolver<A, R> = (parent: unknown, args: A, ctx: Context) => Promise<R>;

/**
 * Every mutation: the caller must hold the writer role; after the write the request's loaders are
 * cleared, so the fields of the result (and of later mutations) read the state just committed.
 */
function writerOnly<A, R>(write: (writer: Writer, args: A, ctx: Context) => Promise<R>): Resolver<A, R> {
  return async (_parent, args, ctx) => {
    requireRole(ctx.caller, 'writer');
    try {
      return await write({ db: ctx.db, caller: ctx.caller, requestId: ctx.requestId }, args, ctx);
    } finally {
      ctx.loaders.clearAll();
    }
  };
}

function upsert(label: EntityLabel) {
  return writerOnly((writer, args: { input: EntityInput; sources: readonly SourceInput[] }) =>
    upsertEntityOf(writer, label, args.input, args.sources),
  );
}

export const Mutation: MutationResolvers = {
  upsertElement: upsert('Element'),
  upsertDeposit: upsert('Deposit'),
  upsertRegion: upsert('Region'),
  upsertCompany: upsert('Company'),
  upsertFacility: upsert('Facility'),
  upsertProduct: upsert('Product'),
  upsertSupplyChainStage: upsert('SupplyChainStage'),
  deleteEntity: writerOnly((writer, { id, cascade, sources }) => deleteEntity(writer, id, cascade ?? false, sources)),
  upsertFigure: writerOnly((writer, { input, sources }) => upsertFigure(writer, input, sources)),
  deleteFigure: writerOnly((writer, { id, sources }) => deleteFigure(writer, id, sources)),
  connect: writerOnly((writer, { input, sources }) => connect(writer, input, sources)),
  disconnect: writerOnly((writer, { type, from, to, sources }) => disconnect(writer, type, from, to, sources)),
  importRecords: writerOnly((writer, { records, dryRun }, ctx) => importRecordsOf(writer, records, dryRun ?? false, ctx.maxImportRecords)),
};
