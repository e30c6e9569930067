import type { Executor, Query } from './executor';
import type { NodeRecord } from './models';

/**
 * What a root statement returns beside its nodes when the request compiler (src/compiler) folds the
 * selection below them into it: a `fetched` column, an expression over the statement's node variable.
 * The db layer only runs it and hands each row's node and value back to the compiler.
 */
export interface Fold {
  /** Identifies the expression: equal keys, equal expressions (statements are cached by it). */
  readonly key: string;
  /** The `fetched` column as a Cypher expression over the node variable. */
  expression(variable: string): string;
  /**
   * The node's own properties as the selection reads them (a map projection), replacing
   * `properties(variable)`: the row's node is decoded as a projection (RawNode.projected).
   */
  properties(variable: string): string;
  /** Takes one row's node and its `fetched` value. */
  take(node: NodeRecord, fetched: unknown): void;
}

const MAX_CACHED = 1_000;
const cache = new Map<string, Query<unknown>>();

/**
 * `query` with the fold's `fetched` column appended to its final RETURN (whose node variable is
 * `variable`, returned as the row's `column`), and the node's properties in that RETURN cut to what the
 * fold's selection reads.
 * Statements are cached by query text and fold key (bounded: the oldest goes first).
 */
export function withFetched<Row>(query: Query<Row>, variable: string, fold: Fold, column = 'node'): Query<Row & { fetched: unknown }> {
  const key = `${query.cypher}\u0000${variable}\u0000${column}\u0000${fold.key}`;
  let folded = cache.get(key) as Query<Row & { fetched: unknown }> | undefined;
  if (!folded) {
    const whole = `props: properties(${variable})}`;
    const at = query.cypher.lastIndexOf(whole);
    if (at < 0) throw new Error(`Statement ${query.name} returns no {labels: labels(${variable}), props: properties(${variable})}`);
    const cypher = `${query.cypher.slice(0, at)}props: ${fold.properties(variable)}}${query.cypher.slice(at + whole.length)}`;
    folded = {
      name: `${query.name}+fold`,
      cypher: `${cypher},\n  ${fold.expression(variable)} AS fetched`,
      row: { parse: (row: unknown) => ({ ...query.row.parse(asProjection(row, column)), fetched: (row as { fetched?: unknown }).fetched ?? null }) },
    };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, folded as Query<unknown>);
  }
  return folded;
}

/** The row with its node in `column` (when it has one) marked as a projection, before the statement's decoder reads it. */
function asProjection(row: unknown, column: string): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const node = (row as Record<string, unknown>)[column];
  return typeof node === 'object' && node !== null ? { ...row, [column]: { ...node, projected: true } } : row;
}

/** Reads `query` (whose rows carry a node in `column`), with the fold's column when there is one, handing each row's node to it. */
export async function readFolded<Row extends { readonly [K in C]: NodeRecord }, C extends string = 'node'>(
  executor: Executor,
  query: Query<Row>,
  variable: string,
  params: Record<string, unknown>,
  fold: Fold | undefined,
  column: C = 'node' as C,
): Promise<Row[]> {
  if (!fold) return executor.read(query, params);
  const rows = await executor.read(withFetched(query, variable, fold, column), params);
  for (const row of rows) fold.take(row[column], row.fetched);
  return rows;
}
