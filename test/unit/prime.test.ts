import { getNamedType, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { rootLayout, type FetchedLayout, type NodeLayout, type RowLayout } from '../../src/compiler/layout';
import { Planner, type Plan } from '../../src/compiler/plan';
import { primeFetched } from '../../src/compiler/prime';
import type { Executor } from '../../src/db/executor';
import { toNodeRecord, type NodeRecord } from '../../src/db/models';
import { DecodeError } from '../../src/errors';
import { createLoaders, type Loaders } from '../../src/loaders';
import { buildSchema } from '../../src/schema';

/**
 * What a compiled statement fetched below a node (its `fetched` column, src/compiler/cypher.ts, placed
 * as src/compiler/layout.ts says) is checked as src/compiler/prime.ts walks it, against the plan it was
 * compiled from: a shape the compiler did not write is a DecodeError, not a record read wrong. What
 * was attached answers without a statement (the loaders' executor counts them).
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

const schema = buildSchema();

/** The plan of the nodes `node(id:)` returns, for a selection of its fields. */
function planOf(selection: string): Plan {
  const operation = parse(`{ node(id: "x") { ${selection} } }`).definitions[0] as OperationDefinitionNode;
  const root = operation.selectionSet.selections[0] as FieldNode;
  const planner = new Planner({ schema, fragments: {}, variableValues: {} });
  return planner.plan([root.selectionSet!], getNamedType(schema.getQueryType()!.getFields().node!.type));
}

/** What was fetched for a node, in its layout's places: its sources, and the rows of the relations named. */
interface Fetch {
  readonly src?: unknown;
  readonly rows?: Readonly<Record<string, unknown>>;
}
function fill(layout: FetchedLayout, into: unknown[], { src = [], rows = {} }: Fetch): unknown[] {
  if (layout.src !== null) into[layout.src] = src;
  for (const { name, at } of layout.relations) into[at] = rows[name] ?? null;
  return into;
}
/** A node's property values and labels in their places. */
function node(layout: NodeLayout, into: unknown[], props: Record<string, unknown>, labels: unknown): void {
  layout.keys!.forEach((key, i) => (into[layout.n + i] = props[key] ?? null));
  if (layout.labels !== null) into[layout.labels] = labels;
}
/** What a root statement fetched for its node (rootLayout). */
const root = (plan: Plan, fetch: Fetch = {}): unknown[] => fill(rootLayout(plan), new Array<unknown>(rootLayout(plan).width).fill(null), fetch);
/** The layout of a relation's rows below a layout. */
const rowsOf = (layout: FetchedLayout, name: string): RowLayout => layout.relations.find((r) => r.name === name)!.row;

interface Link extends Fetch {
  readonly labels?: unknown;
  readonly type?: unknown;
  readonly link?: Record<string, unknown>;
  readonly ls?: unknown;
  readonly prod?: unknown;
  readonly req?: unknown;
}
/** A row in its layout's places: the node at its other end (`props`), the relationship's parts, what was fetched for the node. */
function row(layout: RowLayout, props: Record<string, unknown>, parts: Link = {}): unknown[] {
  const values = new Array<unknown>(layout.width).fill(null);
  node(layout, values, props, parts.labels ?? ['Entity', 'Facility']);
  if (layout.type !== null) values[layout.type] = parts.type ?? 'FEEDS';
  layout.linkKeys?.forEach((key, i) => (values[layout.props! + i] = parts.link?.[key] ?? null));
  if (layout.ls !== null) values[layout.ls] = parts.ls ?? [];
  if (layout.prod !== null) values[layout.prod] = parts.prod ?? [];
  if (layout.req !== null) values[layout.req] = parts.req ?? [];
  return fill(layout.fetched, values, parts);
}
/** A named node (a flow's product) in its layout's places. */
function named(layout: NodeLayout, props: Record<string, unknown>, fetch: Fetch = {}): unknown[] {
  const values = new Array<unknown>(layout.width).fill(null);
  node(layout, values, props, ['Entity', 'Product']);
  return fill(layout.fetched, values, fetch);
}

// A facility's region and its parent.
const regions = planOf('... on Facility { region { name parent { name } } }');
const region = rowsOf(rootLayout(regions), 'locatedIn');
const parent = rowsOf(region.fetched, 'regionParents');
// A facility's inputs with their own sources and their product's.
const flows = planOf('... on Facility { inputs { sources { id } from { name } product { name sources { title } } } }');
const inputs = rowsOf(rootLayout(flows), 'feedsIn');
const product = inputs.product!;
const oxide = { id: 'prod-1', name: 'Oxide', sourceIds: ['src-p'] };
const input = (parts: Link): unknown[] => root(flows, { rows: { feedsIn: [row(inputs, { id: 'fac-c', name: 'C' }, { link: { key: 'k-1', sourceIds: ['src-flow'] }, ...parts })] } });
// A facility's sources' titles.
const titled = planOf('sources { title }');

describe('primeFetched', () => {
  it("attaches each relation's rows, down the tree, to the record they belong to", () => {
    const { loaders, facility, reads } = setUp();
    const parents = { regionParents: [row(parent, { id: 'country-x', name: 'X' })] };
    primeFetched(loaders, facility, root(regions, { rows: { locatedIn: [row(region, { id: 'reg-r', name: 'REG-R' }, { rows: parents })] } }), regions);

    const rows = loaders.related('locatedIn', facility);
    expect(Array.isArray(rows)).toBe(true);
    const [first] = rows as Exclude<typeof rows, Promise<unknown>>;
    expect(first?.other).toMatchObject({ labels: ['Region'], props: { id: 'reg-r', name: 'REG-R' } });
    const regionRecord = toNodeRecord(first!.other);
    // The region decoded from the row is the one its own rows were attached to.
    const above = loaders.related('regionParents', regionRecord);
    expect(Array.isArray(above) && above.map((p) => p.other.props.id)).toEqual(['country-x']);
    expect(reads()).toBe(0);
  });

  it("hands a flow's product to its row with the product's own sources attached, and the flow's sources to the node loader", async () => {
    const { loaders, facility, reads } = setUp();
    const flow = input({ ls: [[['Source'], { id: 'src-flow', title: 'Flow report' }]], prod: [named(product, oxide, { src: [['src-p', 'Product report']] })] });
    primeFetched(loaders, facility, flow, flows);

    const rows = loaders.related('feedsIn', facility) as Exclude<ReturnType<Loaders['related']>, Promise<unknown>>;
    const productRecord = rows[0]?.named?.get('prod-1');
    expect(productRecord).toMatchObject({ id: 'prod-1', kind: 'PRODUCT' });
    expect([...(loaders.sourcesOf(productRecord!)?.keys() ?? [])]).toEqual(['src-p']);
    expect((await loaders.node.load('src-flow'))?.id).toBe('src-flow');
    expect(reads()).toBe(0);
  });

  it.each([
    ['a map where the list of sources and relations belongs', regions, () => ({ locatedIn: [] })],
    ['a list longer than the layout places', regions, () => [...root(regions), null]],
    ["a relation's rows that are not a list", regions, () => root(regions, { rows: { locatedIn: { id: 'reg-r' } } })],
    ['a row that is a map', regions, () => root(regions, { rows: { locatedIn: [{ id: 'reg-r', name: 'R' }] } })],
    ['a row shorter than the layout places', regions, () => root(regions, { rows: { locatedIn: [row(region, { id: 'reg-r' }).slice(1)] } })],
    ['a node without an id at the other end', regions, () => root(regions, { rows: { locatedIn: [row(region, { name: 'Nowhere' })] } })],
    ['labels that are not strings', flows, () => input({ labels: [1] })],
    ['a type that is not a string', flows, () => input({ type: 3 })],
    ['sources the plan does not ask for', regions, () => [[], ...root(regions)]],
    ['a source without an id', titled, () => root(titled, { src: [[null, 'A report']] })],
    ['a source as a map', titled, () => root(titled, { src: [{ id: 'src-a', title: 'A report' }] })],
    ['a malformed row two levels down', regions, () => root(regions, { rows: { locatedIn: [row(region, { id: 'reg-r' }, { rows: { regionParents: [[]] } })] } })],
    ["a relation's rows below a row's node that are not a list", regions, () => root(regions, { rows: { locatedIn: [row(region, { id: 'reg-r' }, { rows: { regionParents: 'country-x' } })] } })],
    ["a relationship's sources that are not nodes", flows, () => input({ ls: [{ title: 'A report' }] })],
    ["a source without an id among a flow product's sources", flows, () => input({ prod: [named(product, oxide, { src: [[null, 'A report']] })] })],
    ['a flow product without labels', flows, () => input({ prod: [named(product, oxide).map((v, i) => (i === product.labels ? null : v))] })],
    ['a flow product that is not a list of them', flows, () => input({ prod: named(product, oxide) })],
  ])('fails with a DecodeError on %s', (_what, plan, value) => {
    const { loaders, facility } = setUp();
    expect(() => primeFetched(loaders, facility, value(), plan)).toThrow(DecodeError);
  });

  it('takes nothing fetched (null) as nothing to attach: the loaders answer', async () => {
    const { loaders, facility, reads } = setUp();
    expect(() => primeFetched(loaders, facility, null, regions)).not.toThrow();
    await loaders.related('locatedIn', facility);
    expect(reads()).toBe(1);
  });

  describe('a connection of which the statement fetched only the first rows', () => {
    // The plan of a company whose `facilities(first: 1)` alone reads `operates`: 2 rows (a page and one more).
    const firstPage = planOf('... on Company { facilities(first: 1) { edges { node { id } } } }');
    const facilities = rowsOf(rootLayout(firstPage), 'operates');
    const company = () => toNodeRecord({ labels: ['Entity', 'Company'], props: { id: 'co-a', name: 'A' }, projected: true });
    const facility = (id: string) => row(facilities, { id, name: id });

    it('plans two rows: a page and one more', () => {
      expect(firstPage.relations.get('operates')?.rows).toBe(2);
    });

    it('hands them to the first page only when there are more: the relation itself is loaded', async () => {
      const { loaders, reads } = setUp();
      const owner = company();
      primeFetched(loaders, owner, root(firstPage, { rows: { operates: [facility('fac-b'), facility('fac-a')] } }), firstPage);
      expect(loaders.firstRows('operates', owner)?.map((r) => r.other.props.id)).toEqual(['fac-a', 'fac-b']);
      await loaders.related('operates', owner);
      expect(reads()).toBe(1);
    });

    it('takes fewer rows than were asked for as the whole relation', async () => {
      const { loaders, reads } = setUp();
      const owner = company();
      primeFetched(loaders, owner, root(firstPage, { rows: { operates: [facility('fac-a')] } }), firstPage);
      const rows = await loaders.related('operates', owner);
      expect(rows.map((r) => r.other.props.id)).toEqual(['fac-a']);
      expect(reads()).toBe(0);
    });
  });
});
