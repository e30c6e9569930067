import neo4j from 'neo4j-driver';
import { z } from 'zod';
import { BadUserInputError } from '../errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { Executor } from './executor';
import { readFolded, type Fold } from './fold';
import { expectKind, type NodeRecord, type ConnectionRecord, type FigureRecord, type SourceRecord, type SupplyChainStageModel } from './models';
import { ENTITY, FIGURE, INTEGER, SOURCE } from './rows';
import { ALL_STAGES, LIST_SPECS, MAX_STAGES, buildListQuery, type EntityListName, type ListName } from './queries/lists';

/** A page row: the node decoded as its list's model (an entity, a source or a figure) and its sort key. */
const pageRow = <N>(node: z.ZodType<N>) => z.object({ node, sortKey: z.union([z.string(), INTEGER]) });
const ENTITY_PAGE_ROW = pageRow(ENTITY);
const SOURCE_PAGE_ROW = pageRow(SOURCE);
const FIGURE_PAGE_ROW = pageRow(FIGURE);
const COUNT_ROW = z.object({ total: INTEGER });

/** A page of a root list whose nodes are `N`: ConnectionRecord (entities) is `PageRecord<EntityRecord>`. */
export interface PageRecord<N> {
  readonly edges: readonly { readonly cursor: string; readonly node: N }[];
  readonly pageInfo: ConnectionRecord['pageInfo'];
  readonly countTotal: () => Promise<number>;
}
/** A page of `sources` (the SourceConnection mapper). */
export type SourceConnectionRecord = PageRecord<SourceRecord>;
/** An item of a page of `sources` (the SourceEdge mapper). */
export type SourceEdgeRecord = SourceConnectionRecord['edges'][number];
/** A page of `figures` (the FigureConnection mapper). */
export type FigureConnectionRecord = PageRecord<FigureRecord>;
/** An item of a page of `figures` (the FigureEdge mapper). */
export type FigureEdgeRecord = FigureConnectionRecord['edges'][number];

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  where?: Record<string, unknown> | null;
  sort?: { field: string; direction?: 'ASC' | 'DESC' | null } | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export function pageSize(value: number | null | undefined, argument: string): number {
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`"${argument}" must be between 0 and ${MAX_PAGE_SIZE} (got ${value})`, argument);
  }
  return value;
}

/** One page of a root list of entities (`elements`, `facilities`, …); see fetchPageOf. */
export function fetchPage(executor: Executor, list: EntityListName, args: PageArgs, fold?: Fold): Promise<ConnectionRecord> {
  return fetchPageOf(executor, list, ENTITY_PAGE_ROW, args, fold);
}

/** One page of `sources`; see fetchPageOf. */
export function fetchSourcePage(executor: Executor, args: PageArgs): Promise<SourceConnectionRecord> {
  return fetchPageOf(executor, 'Source', SOURCE_PAGE_ROW, args);
}

/** One page of `figures`; see fetchPageOf. */
export function fetchFigurePage(executor: Executor, args: PageArgs, fold?: Fold): Promise<FigureConnectionRecord> {
  return fetchPageOf(executor, 'Figure', FIGURE_PAGE_ROW, args, fold);
}

/** Every supply-chain stage in chain order (at most MAX_STAGES). */
export async function listStages(executor: Executor, fold?: Fold): Promise<SupplyChainStageModel[]> {
  const rows = await readFolded(executor, ALL_STAGES, 'n', { limit: neo4j.int(MAX_STAGES) }, fold);
  return rows.map(({ node }) => expectKind('STAGE', node));
}

/**
 * One page of a root list with keyset pagination (Relay). Forward: items after `after`, in sort order.
 * Backward (`last`/`before`): the scan runs in reverse order from `before` and the page is flipped back.
 * One extra item is fetched to tell whether more follow; `totalCount` is a separate, lazy query.
 * `row` decodes the list's nodes (entities, sources or figures).
 */
async function fetchPageOf<N extends NodeRecord>(
  executor: Executor,
  list: ListName,
  row: z.ZodType<{ node: N; sortKey: string | number }>,
  args: PageArgs,
  fold?: Fold,
): Promise<PageRecord<N>> {
  const spec = LIST_SPECS[list];
  if ((args.first != null || args.after != null) && (args.last != null || args.before != null)) {
    throw new BadUserInputError('Pass either first/after or last/before, not both', 'first');
  }
  const backward = args.last != null || args.before != null;
  const size = backward ? pageSize(args.last, 'last') : pageSize(args.first, 'first');
  const field = args.sort?.field ?? spec.defaultSort;
  const descending = (args.sort?.direction ?? 'ASC') === 'DESC';
  const cursorArg = backward ? 'before' : 'after';
  const cursor = backward ? args.before : args.after;
  const position = cursor ? decodeCursor(cursor, `${list}:${field}`, cursorArg) : null;

  const query = buildListQuery(spec, args.where, { field, descending: backward ? !descending : descending }, position);
  const page = { name: `list.${list}`, cypher: query.pageCypher, row };
  const rows = await readFolded(executor, page, 'n', { ...query.params, limit: neo4j.int(size + 1) }, fold);
  const more = rows.length > size;
  const pageRows = rows.slice(0, size);
  if (backward) pageRows.reverse();
  // Cursors are encoded only for the clients that select them.
  const edges = pageRows.map(({ node, sortKey }) => ({
    node,
    get cursor() {
      return encodeCursor({ sort: `${list}:${field}`, key: sortKey, id: node.id });
    },
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? cursor != null : more,
      hasPreviousPage: backward ? more : cursor != null,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    countTotal: async () => {
      const [row] = await executor.read({ name: `count.${list}`, cypher: query.countCypher, row: COUNT_ROW }, query.params);
      return row?.total ?? 0;
    },
  };
}
