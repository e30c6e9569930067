import DataLoader from 'dataloader';
import type { Executor } from '../db/executor';
import { type NodeRecord, type RawNode, type Properties, toNodeRecord } from '../db/models';
import { batchQuery, relationParam, type BatchRow } from '../db/queries/batch';
import type { RelationName } from '../db/queries/relations';

/**
 * Per-request data loading. All loads of one tick (one GraphQL level) go to ONE DataLoader, whose batch
 * function sends ONE statement: nodes by id and every relation field asked for, each over its ids. So a
 * nested query costs one round trip per level, whatever the number of items and fields.
 *
 * The batch contract (graphql/dataloader): the batch function returns one value per key, in key order.
 */

/** One related node as a relation loader returns it: the relationship and the node at the other end. */
export interface RelatedRow {
  readonly type: string;
  readonly props: Properties;
  /** True when the parent is the relationship's start node. */
  readonly outgoing: boolean;
  readonly self: RawNode;
  readonly other: RawNode;
}

/** The subset of DataLoader the resolvers use. */
export interface Loader<K, V> {
  load(key: K): Promise<V>;
  loadMany(keys: readonly K[]): Promise<(V | Error)[]>;
}

export interface Loaders {
  readonly node: Loader<string, NodeRecord | null>;
  relation(name: RelationName): Loader<string, readonly RelatedRow[]>;
  /** Forgets everything loaded so far: a mutation calls it after its write, so later fields read the new state. */
  clearAll(): void;
}

type Key = { readonly part: 'node'; readonly id: string } | { readonly part: RelationName; readonly id: string };
type Value = NodeRecord | null | readonly RelatedRow[];

const keyString = (key: Key) => `${key.part}\u0000${key.id}`;

export function createLoaders(executor: Executor): Loaders {
  const graph = new DataLoader<Key, Value, string>(
    async (keys) => {
      const nodeIds = new Set<string>();
      const relationIds = new Map<RelationName, Set<string>>();
      for (const key of keys) {
        if (key.part === 'node') nodeIds.add(key.id);
        else relationIds.set(key.part, (relationIds.get(key.part) ?? new Set()).add(key.id));
      }
      const params: Record<string, unknown> = nodeIds.size > 0 ? { nodeIds: [...nodeIds] } : {};
      for (const [name, ids] of relationIds) params[relationParam(name)] = [...ids];
      const rows = await executor.read<BatchRow & Record<string, unknown>>(batchQuery(nodeIds.size > 0, [...relationIds.keys()]), params);

      const found = new Map<string, Value>();
      for (const row of rows) {
        if (row.part === 'node') {
          found.set(keyString({ part: 'node', id: row.id }), row.node ? toNodeRecord(row.node as RawNode) : null);
        } else {
          const self = row.self as RawNode;
          const rels = (row.rels as Omit<RelatedRow, 'self'>[]).map((rel) => ({ ...rel, self }));
          found.set(keyString({ part: row.part as RelationName, id: row.id }), rels);
        }
      }
      // A relation of an id that matched no node has no row: it has no related nodes.
      return keys.map((key) => found.get(keyString(key)) ?? (key.part === 'node' ? null : []));
    },
    { cacheKeyFn: keyString },
  );

  const node: Loader<string, NodeRecord | null> = {
    load: (id) => graph.load({ part: 'node', id }) as Promise<NodeRecord | null>,
    loadMany: (ids) => graph.loadMany(ids.map((id) => ({ part: 'node' as const, id }))) as Promise<(NodeRecord | null | Error)[]>,
  };
  const relation = (name: RelationName): Loader<string, readonly RelatedRow[]> => ({
    load: (id) => graph.load({ part: name, id }) as Promise<readonly RelatedRow[]>,
    loadMany: (ids) => graph.loadMany(ids.map((id) => ({ part: name, id }))) as Promise<(readonly RelatedRow[] | Error)[]>,
  });
  return {
    node,
    relation,
    clearAll: () => {
      graph.clearAll();
    },
  };
}
