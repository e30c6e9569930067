import DataLoader from 'dataloader';
import type { Executor } from '../db/executor';
import { type NodeRecord, type RawNode, type Properties, toNodeRecord } from '../db/models';
import { NODES_BY_ID } from '../db/queries/nodes';
import { RELATIONS, relationQuery, type RelationName } from '../db/queries/relations';

/**
 * Per-request DataLoaders. The batch contract (from graphql/dataloader): a batch function returns one
 * value per key, in the order of the keys. Each batch is ONE Cypher query over `UNWIND $ids`, so a
 * nested GraphQL query costs one round trip per level and field, whatever the number of parents.
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

export interface Loaders {
  readonly node: DataLoader<string, NodeRecord | null>;
  relation(name: RelationName): DataLoader<string, readonly RelatedRow[]>;
}

export function createLoaders(executor: Executor): Loaders {
  const node = new DataLoader<string, NodeRecord | null>(async (ids) => {
    const rows = await executor.read<{ id: string; node: RawNode | null }>(NODES_BY_ID, { ids: [...ids] });
    const byId = new Map(rows.map((row) => [row.id, row.node ? toNodeRecord(row.node) : null]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const relationLoaders = new Map<RelationName, DataLoader<string, readonly RelatedRow[]>>();
  const relation = (name: RelationName): DataLoader<string, readonly RelatedRow[]> => {
    let loader = relationLoaders.get(name);
    if (!loader) {
      const query = relationQuery(name);
      loader = new DataLoader<string, readonly RelatedRow[]>(async (ids) => {
        const rows = await executor.read<{ id: string; self: RawNode; rels: Omit<RelatedRow, 'self'>[] }>(query, { ids: [...ids] });
        const byId = new Map(rows.map((row) => [row.id, row.rels.map((rel) => ({ ...rel, self: row.self }))]));
        return ids.map((id) => byId.get(id) ?? []);
      });
      relationLoaders.set(name, loader);
    }
    return loader;
  };

  return { node, relation };
}

export { RELATIONS };
