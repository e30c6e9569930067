import neo4j from 'neo4j-driver';
import { z } from 'zod';
import { BadUserInputError } from '../errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { Executor } from './executor';
import type { ConnectionRecord } from './models';
import { ENTITY, INTEGER } from './rows';
import { LIST_SPECS, buildListQuery, type ListName } from './queries/lists';

const PAGE_ROW = z.object({ node: ENTITY, sortKey: z.union([z.string(), INTEGER]) });
const COUNT_ROW = z.object({ total: INTEGER });

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

/**
 * One page of a root list with keyset pagination (Relay). Forward: items after `after`, in sort order.
 * Backward (`last`/`before`): the scan runs in reverse order from `before` and the page is flipped back.
 * One extra item is fetched to tell whether more follow; `totalCount` is a separate, lazy query.
 */
export async function fetchPage(executor: Executor, list: ListName, args: PageArgs): Promise<ConnectionRecord> {
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
  const rows = await executor.read(
    { name: `list.${list}`, cypher: query.pageCypher, row: PAGE_ROW },
    { ...query.params, limit: neo4j.int(size + 1) },
  );
  const more = rows.length > size;
  const pageRows = rows.slice(0, size);
  if (backward) pageRows.reverse();
  const edges = pageRows.map(({ node, sortKey }) => ({ cursor: encodeCursor({ sort: `${list}:${field}`, key: sortKey, id: node.id }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? cursor != null : more,
      hasPreviousPage: backward ? more : cursor != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    countTotal: async () => {
      const [row] = await executor.read({ name: `count.${list}`, cypher: query.countCypher, row: COUNT_ROW }, query.params);
      return row?.total ?? 0;
    },
  };
}
