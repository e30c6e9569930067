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

const region = (id: string, fetched?: unknown) => ({ other: { props: { id, name: id.toUpperCase() }, ...(fetched === undefined ? {} : { fetched }) } });

describe('primeFetched', () => {
  it("attaches each relation's rows, down the tree, to the record they belong to", () => {
    const { loaders, facility, reads } = setUp();
    primeFetched(loaders, facility, { rels: { locatedIn: [region('reg-r', { rels: { regionParents: [region('country-x')] } })] } });

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

  it.each([
    ['a list where the map of sources and relations belongs', []],
    ["a relation's rows that are not a list", { rels: { locatedIn: { other: { props: { id: 'reg-r' } } } } }],
    ['a row without the node at its other end', { rels: { locatedIn: [{ props: {} }] } }],
    ['a node without an id at the other end', { rels: { locatedIn: [{ other: { props: { name: 'Nowhere' } } }] } }],
    ['labels that are not strings', { rels: { locatedIn: [{ other: { labels: [1], props: { id: 'reg-r' } } }] } }],
    ['a relationship property map that is a list', { rels: { locatedIn: [{ props: [], other: { props: { id: 'reg-r' } } }] } }],
    ['a source without an id', { src: [{ title: 'A report' }] }],
    ['a malformed map two levels down', { rels: { locatedIn: [region('reg-r', { rels: { regionParents: [{ other: { props: {} } }] } })] } }],
    ["a flow product without labels", { rels: { feedsOut: [{ type: 'FEEDS', other: { labels: ['Entity', 'Facility'], props: { id: 'fac-c' } }, prod: [{ props: { id: 'prod-1' } }] }] } }],
  ])('fails with a DecodeError on %s', (_what, fetched) => {
    const { loaders, facility } = setUp();
    expect(() => primeFetched(loaders, facility, fetched)).toThrow(DecodeError);
  });

  it('takes nothing fetched (null) as nothing to attach: the loaders answer', async () => {
    const { loaders, facility, reads } = setUp();
    expect(() => primeFetched(loaders, facility, null)).not.toThrow();
    await loaders.related('locatedIn', facility);
    expect(reads()).toBe(1);
  });
});
