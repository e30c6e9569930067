import { relationKey, relationOfKey } from '../../src/compiler/cypher';
import { RELATIONS, type RelationName } from '../../src/db/queries/relations';
import { emptyPlan, type Plan } from '../../src/compiler/plan';
import { primeFetched } from '../../src/compiler/prime';
import type { Executor } from '../../src/db/executor';
import { toNodeRecord, type NodeRecord } from '../../src/db/models';
import { DecodeError } from '../../src/errors';
import { createLoaders, type Loaders } from '../../src/loaders';

/**
 * What a compiled statement fetched below a node (its `fetched` column, src/compiler/cypher.ts) is
 * checked as src/compiler/prime.ts walks it: a shape the compiler did not write is a DecodeError, not a
 * record read wrong. What was attached answers without a statement (the loaders' executor counts them).
 */

function setUp(): { loaders: Loaders; facility: NodeRecord; reads: () => number } {
  let reads = 0;
  const read = (): Promise<never[]> => {
    reads++;
    return Promise.resolve([]);
  };
  const facility = toNodeRecord({ labels: ['Entity', 'Facility'], props: { id: 'fac-b', name: 'Plant B' }, projected: true });
  return { loaders: createLoaders({ read } as unknown as Executor), facility, reads: () => reads };
}

// The keys of a compiled map: each relation's short key, and a row's node (`n`) with what was fetched for it beside it.
const [locatedIn, regionParents, feedsOut, operates] = [relationKey('locatedIn'), relationKey('regionParents'), relationKey('feedsOut'), relationKey('operates')];
const region = (id: string, fetched?: Record<string, unknown>) => ({ n: { id, name: id.toUpperCase() }, ...fetched });

describe('primeFetched', () => {
  it("attaches each relation's rows, down the tree, to the record they belong to", () => {
    const { loaders, facility, reads } = setUp();
    primeFetched(loaders, facility, { [locatedIn]: [region('reg-r', { [regionParents]: [region('country-x')] })] }, emptyPlan());

    const rows = loaders.related('locatedIn', facility);
    expect(Array.isArray(rows)).toBe(true);
    const [row] = rows as Exclude<typeof rows, Promise<unknown>>;
    expect(row?.other.props).toEqual({ id: 'reg-r', name: 'REG-R' });
    const regionRecord = toNodeRecord(row!.other);
    // The region decoded from the row is the one its own rows were attached to.
    const parents = loaders.related('regionParents', regionRecord);
    expect(Array.isArray(parents) && parents.map((p) => p.other.props.id)).toEqual(['country-x']);
    expect(reads()).toBe(0);
  });

  it('reads each relation under a short key of its own, and no other key as a relation', () => {
    const names = Object.keys(RELATIONS) as RelationName[];
    const keys = names.map(relationKey);
    expect(new Set(keys).size).toBe(names.length);
    expect(keys.every((key) => key.length <= 3)).toBe(true);
    expect(names.every((name) => relationOfKey(relationKey(name)) === name)).toBe(true);
    // No key of a row or a named node beside the relations' is read as a relation.
    for (const key of ['src', 'ls', 'n', 'type', 'props', 'labels', 'prod', 'req']) expect(relationOfKey(key)).toBeUndefined();
    expect(relationOfKey('locatedIn')).toBeUndefined();
  });

  it.each([
    ['a list where the map of sources and relations belongs', []],
    ["a relation's rows that are not a list", { [locatedIn]: { n: { id: 'reg-r' } } }],
    ['a row without the node at its other end', { [locatedIn]: [{ props: {} }] }],
    ['a node without an id at the other end', { [locatedIn]: [{ n: { name: 'Nowhere' } }] }],
    ['labels that are not strings', { [locatedIn]: [{ labels: [1], n: { id: 'reg-r' } }] }],
    ['a relationship property map that is a list', { [locatedIn]: [{ props: [], n: { id: 'reg-r' } }] }],
    ['a source without an id', { src: [{ title: 'A report' }] }],
    ['a malformed map two levels down', { [locatedIn]: [region('reg-r', { [regionParents]: [{ n: {} }] })] }],
    ["a relation's rows beside a row's node that are not a list", { [locatedIn]: [region('reg-r', { [regionParents]: { n: { id: 'country-x' } } })] }],
    ["a source without an id among a row's node's sources", { [locatedIn]: [region('reg-r', { src: [{ title: 'A report' }] })] }],
    ["a relationship's sources that are not nodes", { [feedsOut]: [{ type: 'FEEDS', labels: ['Entity', 'Facility'], n: { id: 'fac-c' }, ls: [{ title: 'A report' }] }] }],
    ["a source without an id among a flow product's sources", { [feedsOut]: [{ type: 'FEEDS', labels: ['Entity', 'Facility'], n: { id: 'fac-c' }, prod: [{ labels: ['Entity', 'Product'], props: { id: 'prod-1' }, src: [{ title: 'A report' }] }] }] }],
    ['a flow product without labels', { [feedsOut]: [{ type: 'FEEDS', labels: ['Entity', 'Facility'], n: { id: 'fac-c' }, prod: [{ props: { id: 'prod-1' } }] }] }],
  ])('fails with a DecodeError on %s', (_what, fetched) => {
    const { loaders, facility } = setUp();
    expect(() => primeFetched(loaders, facility, fetched, emptyPlan())).toThrow(DecodeError);
  });

  it('takes nothing fetched (null) as nothing to attach: the loaders answer', async () => {
    const { loaders, facility, reads } = setUp();
    expect(() => primeFetched(loaders, facility, null, emptyPlan())).not.toThrow();
    await loaders.related('locatedIn', facility);
    expect(reads()).toBe(1);
  });

  describe('a connection of which the statement fetched only the first rows', () => {
    // The plan of a company whose `facilities(first: 1)` alone reads `operates`: 2 rows (a page and one more).
    const firstPage = (): Plan => {
      const plan = emptyPlan();
      plan.relations.set('operates', { labels: new Set(['Company']), other: emptyPlan(), rows: 2, props: new Set(), sources: false, product: null, requires: null });
      return plan;
    };
    const company = () => toNodeRecord({ labels: ['Entity', 'Company'], props: { id: 'co-a', name: 'A' }, projected: true });
    const facility = (id: string) => ({ n: { id, name: id } });

    it('hands them to the first page only when there are more: the relation itself is loaded', async () => {
      const { loaders, reads } = setUp();
      const owner = company();
      primeFetched(loaders, owner, { [operates]: [facility('fac-b'), facility('fac-a')] }, firstPage());
      expect(loaders.firstRows('operates', owner)?.map((r) => r.other.props.id)).toEqual(['fac-a', 'fac-b']);
      await loaders.related('operates', owner);
      expect(reads()).toBe(1);
    });

    it('takes fewer rows than were asked for as the whole relation', async () => {
      const { loaders, reads } = setUp();
      const owner = company();
      primeFetched(loaders, owner, { [operates]: [facility('fac-a')] }, firstPage());
      const rows = await loaders.related('operates', owner);
      expect(rows.map((r) => r.other.props.id)).toEqual(['fac-a']);
      expect(reads()).toBe(0);
    });
  });
});
