import type { Executor, Query } from '../../src/db/executor';
import { batchQuery, type BatchRow } from '../../src/db/queries/batch';
import { createLoaders } from '../../src/loaders';

/**
 * The batching contract of the per-request loaders (src/loaders/index.ts), against a fake executor that
 * answers the batch statement from an in-memory graph the way Neo4j would: a node lookup returns a row
 * with `node: null` for an unknown id (OPTIONAL MATCH), a relation returns no row at all for an unknown
 * id (MATCH) and `rels: []` for a known id with nothing related. Rows go through the statement's own
 * decoder and come back in reverse order, so key order has to be restored by the loader.
 */

const raw = (label: string, id: string, extra: Record<string, unknown> = {}) => ({ labels: label === 'Source' ? ['Source'] : ['Entity', label], props: { id, name: id.toUpperCase(), ...extra } });

// Entities as they are stored (toStoredProps of a valid record): the loader decodes them with the domain model.
const stored = { aliases: [], aliasesText: '', detailsJson: '{}', confidence: 'stated', sourceIds: ['src-1'] };
const NODES: Record<string, ReturnType<typeof raw>> = {
  'dep-a': raw('Deposit', 'dep-a', { ...stored, commodity: 'REE', status: 'operating' }),
  'fac-b': raw('Facility', 'fac-b', { ...stored, kind: 'separation', status: 'planned', capacityValue: 5000, capacityUnit: 't/yr' }),
  'reg-r': raw('Region', 'reg-r', { ...stored, kind: 'country' }),
  'src-1': raw('Source', 'src-1', { title: 'A report' }),
  // Stored data that breaks the domain model (a status outside the Facility schema's enum).
  'fac-bad': raw('Facility', 'fac-bad', { ...stored, kind: 'separation', status: 'closed' }),
};
const RELATED: Record<string, Record<string, { type: string; to: string; outgoing: boolean }[]>> = {
  locatedIn: { 'fac-b': [{ type: 'LOCATED_IN', to: 'reg-r', outgoing: true }] },
  facilitiesHere: { 'reg-r': [{ type: 'LOCATED_IN', to: 'fac-b', outgoing: false }] },
};

interface Call {
  readonly query: Query<BatchRow>;
  readonly params: Record<string, unknown>;
}

function fakeExecutor(options: { fail?: Error } = {}) {
  const calls: Call[] = [];
  const read = async (query: Query<BatchRow>, params: Record<string, unknown> = {}): Promise<BatchRow[]> => {
    calls.push({ query, params });
    // The parameters the loader sends are exactly the id lists the statement reads.
    for (const name of Object.keys(params)) expect(query.cypher).toContain(`UNWIND $${name} AS id`);
    await Promise.resolve();
    if (options.fail) throw options.fail;
    const rows: unknown[] = [];
    for (const id of (params.nodeIds as string[] | undefined) ?? []) {
      rows.push({ part: 'node', id, node: NODES[id] ?? null, self: null, rels: null });
    }
    for (const [param, ids] of Object.entries(params)) {
      if (!param.startsWith('ids_')) continue;
      const relation = param.slice('ids_'.length);
      for (const id of ids as string[]) {
        const self = NODES[id];
        if (!self || self.labels[0] !== 'Entity') continue; // MATCH (n:Entity {id: id}) finds nothing: no row
        const rels = (RELATED[relation]?.[id] ?? []).map((r) => ({ type: r.type, props: { key: `${r.type}:${id}` }, outgoing: r.outgoing, other: NODES[r.to] }));
        rows.push({ part: relation, id, node: null, self, rels });
      }
    }
    return rows.reverse().map((row) => query.row.parse(row));
  };
  // createLoaders uses nothing of the Executor but `read`.
  return { executor: { read } as unknown as Executor, calls };
}

describe('createLoaders', () => {
  it('sends ONE statement for all the loads of one tick: nodes and every relation, ids deduplicated', async () => {
    const { executor, calls } = fakeExecutor();
    const loaders = createLoaders(executor);
    await Promise.all([
      loaders.node.load('dep-a'),
      loaders.node.load('fac-b'),
      loaders.node.load('dep-a'),
      loaders.relation('locatedIn').load('fac-b'),
      loaders.relation('facilitiesHere').loadMany(['reg-r', 'fac-b']),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toBe(batchQuery(true, ['facilitiesHere', 'locatedIn']));
    expect(calls[0]!.params).toEqual({ nodeIds: ['dep-a', 'fac-b'], ids_locatedIn: ['fac-b'], ids_facilitiesHere: ['reg-r', 'fac-b'] });
  });

  it('sends relation-only batches without node ids, and separate ticks as separate statements', async () => {
    const { executor, calls } = fakeExecutor();
    const loaders = createLoaders(executor);
    await loaders.relation('locatedIn').load('fac-b');
    await loaders.node.load('reg-r');
    expect(calls.map((c) => c.query.name)).toEqual(['batch(locatedIn)', 'batch(nodes+)']);
    expect(calls[0]!.params).toEqual({ ids_locatedIn: ['fac-b'] });
  });

  it('returns one value per key, in key order, whatever order the rows come in', async () => {
    const { executor } = fakeExecutor();
    const loaders = createLoaders(executor);
    const [nodes, located] = await Promise.all([loaders.node.loadMany(['src-1', 'fac-b', 'dep-a']), loaders.relation('locatedIn').load('fac-b')]);
    expect(nodes).toEqual([
      { __typename: 'Source', id: 'src-1', title: 'A report', publisher: null, date: null, dateNote: null, url: null },
      {
        __typename: 'Entity',
        id: 'fac-b',
        kind: 'FACILITY',
        props: NODES['fac-b']!.props,
        data: { id: 'fac-b', name: 'FAC-B', aliases: [], confidence: 'stated', sources: ['src-1'], kind: 'separation', status: 'planned', capacity: { value: 5000, unit: 't/yr' } },
      },
      {
        __typename: 'Entity',
        id: 'dep-a',
        kind: 'DEPOSIT',
        props: NODES['dep-a']!.props,
        data: { id: 'dep-a', name: 'DEP-A', aliases: [], confidence: 'stated', sources: ['src-1'], commodity: 'REE', status: 'operating' },
      },
    ]);
    expect(located).toEqual([{ type: 'LOCATED_IN', props: { key: 'LOCATED_IN:fac-b' }, outgoing: true, self: NODES['fac-b'], other: NODES['reg-r'] }]);
  });

  it('decodes entities with the domain model: stored data that breaks it fails the load, not the field', async () => {
    const { executor } = fakeExecutor();
    const loaders = createLoaders(executor);
    await expect(loaders.node.load('fac-bad')).rejects.toThrow(/status/);
  });

  it('gives null for a node id with no node, and [] for a relation of an id with no row or no related node', async () => {
    const { executor, calls } = fakeExecutor();
    const loaders = createLoaders(executor);
    const [missing, noRow, none, found] = await Promise.all([
      loaders.node.load('nope'),
      loaders.relation('locatedIn').load('nope'),
      loaders.relation('locatedIn').load('dep-a'),
      loaders.node.load('dep-a'),
    ]);
    expect(missing).toBeNull();
    expect(noRow).toEqual([]);
    expect(none).toEqual([]);
    expect(found).toMatchObject({ id: 'dep-a', kind: 'DEPOSIT' });
    expect(calls).toHaveLength(1);
  });

  it('gives null for a node id, and [] for a relation, when the statement returned no row for it at all', async () => {
    // A statement that answers nothing: every key falls back to its empty value.
    const silent = { read: async () => [] } as unknown as Executor; // createLoaders uses only `read`
    const loaders = createLoaders(silent);
    expect(await Promise.all([loaders.node.loadMany(['dep-a', 'fac-b']), loaders.relation('locatedIn').load('fac-b')])).toEqual([[null, null], []]);
  });

  it('rejects every key of a batch whose statement fails, and caches none of them', async () => {
    const failure = new Error('database down');
    const broken = fakeExecutor({ fail: failure });
    const loaders = createLoaders(broken.executor);
    const results = await Promise.allSettled([loaders.node.load('dep-a'), loaders.node.load('fac-b'), loaders.relation('locatedIn').load('fac-b')]);
    expect(broken.calls).toHaveLength(1);
    expect(results).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(await loaders.node.loadMany(['dep-a', 'fac-b'])).toEqual([failure, failure]);
    expect(broken.calls).toHaveLength(2);
  });

  it('caches within a request until clearAll, which forgets everything loaded', async () => {
    const { executor, calls } = fakeExecutor();
    const loaders = createLoaders(executor);
    const first = await loaders.node.load('dep-a');
    expect(await loaders.node.load('dep-a')).toBe(first);
    await loaders.relation('locatedIn').load('fac-b');
    await loaders.relation('locatedIn').load('fac-b');
    expect(calls).toHaveLength(2);
    loaders.clearAll();
    await Promise.all([loaders.node.load('dep-a'), loaders.relation('locatedIn').load('fac-b')]);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.params).toEqual({ nodeIds: ['dep-a'], ids_locatedIn: ['fac-b'] });
  });

  it('keeps a node and a relation of the same id apart', async () => {
    const { executor, calls } = fakeExecutor();
    const loaders = createLoaders(executor);
    const [node, rows] = await Promise.all([loaders.node.load('fac-b'), loaders.relation('locatedIn').load('fac-b')]);
    expect(node).toMatchObject({ id: 'fac-b' });
    expect(rows).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });
});
