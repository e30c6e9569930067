import DataLoader from 'dataloader';
import neo4j from 'neo4j-driver';
import type { Executor } from '../db/executor';
import { toSourceRecord, type NodeRecord, type Properties, type RawNode, type SourceRecord } from '../db/models';
import { RELATION_COUNTS, RELATION_SLICES, batchQuery, relationParam, relationRows, type BatchRow, type RelationRows } from '../db/queries/batch';
import { isRelationName, type RelationFilter, type RelationName } from '../db/queries/relations';

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
  /**
   * The nodes the relationship names by id (a flow's product, a bill's entries) as the request
   * compiler fetched them for this row's selection; absent (the node loader answers) for the loaders' rows.
   */
  readonly named?: ReadonlyMap<string, NodeRecord>;
}

/** The subset of DataLoader the resolvers use. */
export interface Loader<K, V> {
  load(key: K): Promise<V>;
  loadMany(keys: readonly K[]): Promise<(V | Error)[]>;
}

export interface Loaders {
  readonly node: Loader<string, NodeRecord | null>;
  relation(name: RelationName): Loader<string, readonly RelatedRow[]>;
  /**
   * Records a node loaded elsewhere with all its properties (a relationship's sources, fetched by the
   * request compiler's statement), so loading it costs no round trip; an id loaded or primed already
   * keeps its record.
   */
  primeNode(id: string, node: NodeRecord): void;
  /**
   * The rows of a relation of `parent`: those the request compiler's statement fetched with the parent
   * (see `attach`), else loaded by id through the batch.
   */
  related(name: RelationName, parent: NodeRecord): readonly RelatedRow[] | Promise<readonly RelatedRow[]>;
  /**
   * Past the first MAX_RELATED rows of a relation, all that `related` reads: how many rows it has (one
   * statement per relation for the parents of a tick), and the rows at `skip` to `skip + limit` in its
   * order (one statement per page); with `filter`, of the rows it keeps.
   */
  relatedCount(name: RelationName, parent: NodeRecord, filter?: RelationFilter): Promise<number>;
  relatedSlice(name: RelationName, parent: NodeRecord, skip: number, limit: number, filter?: RelationFilter): Promise<readonly RelatedRow[]>;
  /**
   * Hands the rows of relations a compiled statement fetched with `parent` to its resolvers. They
   * travel with that record, not through the shared cache: their nodes hold only the properties the
   * statement's selection reads, which another field asking for the same relation may not. A record
   * given rows of one relation twice (never by the compiler, whose records are each its selection's own)
   * keeps neither: the loaders answer.
   */
  attach(parent: NodeRecord, name: RelationName, rows: readonly RelatedRow[]): void;
  /**
   * Hands the first rows of a relation of `parent`, in the relation's order, to a connection's first
   * page (`firstRows`): a compiled statement that read only that page fetched them, and more rows
   * exist. `related` does not answer with them.
   */
  attachFirst(parent: NodeRecord, name: RelationName, rows: readonly RelatedRow[]): void;
  /** The first rows of a relation of `parent` (attachFirst), or all of them (attach); undefined when none were attached. */
  firstRows(name: RelationName, parent: NodeRecord): readonly RelatedRow[] | undefined;
  /**
   * Hands the sources a compiled statement fetched with `parent` (what its selection reads of each) to
   * its `sources` resolver, the same way; `sourcesOf` reads them back, by id.
   */
  attachSources(parent: NodeRecord, sources: readonly RawNode['props'][]): void;
  sourcesOf(parent: NodeRecord): ReadonlyMap<string, SourceRecord> | undefined;
  /** Forgets everything loaded so far: a mutation calls it after its write, so later fields read the new state. */
  clearAll(): void;
}

type Key = { readonly part: 'node'; readonly id: string } | { readonly part: RelationName; readonly id: string };
/** What one key loads: a node (or null), or the related rows of one relation. */
type Value = { readonly part: 'node'; readonly node: NodeRecord | null } | { readonly part: 'relation'; readonly rows: readonly RelatedRow[] };

const keyString = (key: Key) => `${key.part}\u0000${key.id}`;
const NO_NODE: Value = { part: 'node', node: null };
const NO_ROWS: Value = { part: 'relation', rows: [] };

const nodeOf = (value: Value): NodeRecord | null => (value.part === 'node' ? value.node : null);
const rowsOf = (value: Value): readonly RelatedRow[] => (value.part === 'relation' ? value.rows : []);
/** A batch row's related nodes, each with the parent (`self`). */
const relatedRows = (row: BatchRow): RelatedRow[] => {
  const self = row.self;
  return self && row.rels ? row.rels.map((rel) => ({ ...rel, self })) : [];
};

/** The statement of a relation's rows, or of a filter's; a filter named for a relation it does not filter is a programming error. */
function statementOf<T>(statements: Readonly<Record<RelationRows, T>>, rows: RelationRows): T {
  const statement = statements[rows];
  if (!statement) throw new Error(`no statement for the rows ${rows}`);
  return statement;
}

const orError = <T>(value: Value | Error, pick: (v: Value) => T): T | Error => (value instanceof Error ? value : pick(value));

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
      const rows = await executor.read(batchQuery(nodeIds.size > 0, [...relationIds.keys()]), params);

      const found = new Map<string, Value>();
      for (const row of rows) {
        if (row.part === 'node') {
          found.set(keyString({ part: 'node', id: row.id }), { part: 'node', node: row.node });
        } else if (isRelationName(row.part) && row.self && row.rels) {
          found.set(keyString({ part: row.part, id: row.id }), { part: 'relation', rows: relatedRows(row) });
        }
      }
      // A relation of an id that matched no node has no row: it has no related nodes.
      return keys.map((key) => found.get(keyString(key)) ?? (key.part === 'node' ? NO_NODE : NO_ROWS));
    },
    { cacheKeyFn: keyString },
  );

  const fetched = new WeakMap<NodeRecord, Map<RelationName, readonly RelatedRow[] | null>>();
  const fetchedFirst = new WeakMap<NodeRecord, Map<RelationName, readonly RelatedRow[] | null>>();
  const sources = new WeakMap<NodeRecord, ReadonlyMap<string, SourceRecord>>();
  const counts = new Map<string, DataLoader<string, number>>();
  const countsOf = (name: RelationName, filter?: RelationFilter): DataLoader<string, number> => {
    const rows = relationRows(name, filter?.name);
    const key = filter ? `${rows}\u0000${filter.value}` : rows;
    const loader =
      counts.get(key) ??
      new DataLoader<string, number>(async (ids) => {
        const totals = new Map((await executor.read(statementOf(RELATION_COUNTS, rows), { ids: [...ids], value: filter?.value ?? null })).map((row) => [row.id, row.total]));
        return ids.map((id) => totals.get(id) ?? 0);
      });
    counts.set(key, loader);
    return loader;
  };
  const node: Loader<string, NodeRecord | null> = {
    load: async (id) => nodeOf(await graph.load({ part: 'node', id })),
    loadMany: async (ids) => (await graph.loadMany(ids.map((id) => ({ part: 'node' as const, id })))).map((v) => orError(v, nodeOf)),
  };
  const relation = (name: RelationName): Loader<string, readonly RelatedRow[]> => ({
    load: async (id) => rowsOf(await graph.load({ part: name, id })),
    loadMany: async (ids) => (await graph.loadMany(ids.map((id) => ({ part: name, id })))).map((v) => orError(v, rowsOf)),
  });
  return {
    node,
    relation,
    primeNode: (id, value) => {
      graph.prime({ part: 'node', id }, { part: 'node', node: value });
    },
    related: (name, parent) => fetched.get(parent)?.get(name) ?? relation(name).load(parent.id),
    relatedCount: (name, parent, filter) => countsOf(name, filter).load(parent.id),
    relatedSlice: async (name, parent, skip, limit, filter) => {
      const statement = statementOf(RELATION_SLICES, relationRows(name, filter?.name));
      const [row] = await executor.read(statement, { ids: [parent.id], skip: neo4j.int(skip), limit: neo4j.int(limit), value: filter?.value ?? null });
      return row ? relatedRows(row) : [];
    },
    attach: (parent, name, rows) => {
      const byRelation = fetched.get(parent) ?? new Map<RelationName, readonly RelatedRow[] | null>();
      // Attached twice, each with what one selection reads of the rows: neither holds all both need.
      byRelation.set(name, byRelation.has(name) ? null : rows);
      fetched.set(parent, byRelation);
    },
    attachFirst: (parent, name, rows) => {
      const byRelation = fetchedFirst.get(parent) ?? new Map<RelationName, readonly RelatedRow[] | null>();
      byRelation.set(name, byRelation.has(name) ? null : rows); // as `attach`
      fetchedFirst.set(parent, byRelation);
    },
    firstRows: (name, parent) => fetched.get(parent)?.get(name) ?? fetchedFirst.get(parent)?.get(name) ?? undefined,
    attachSources: (parent, fetchedSources) => {
      sources.set(parent, new Map(fetchedSources.map((props) => [props.id, toSourceRecord({ labels: ['Source'], props, projected: true })])));
    },
    sourcesOf: (parent) => sources.get(parent),
    clearAll: () => {
      graph.clearAll();
      counts.clear();
    },
  };
}
