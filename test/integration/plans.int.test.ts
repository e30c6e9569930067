import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import type { NamedQuery } from '../../src/db/executor';
import { impactNetworkQuery } from '../../src/db/queries/impact';
import { LIST_SPECS, buildListQuery, everyNodeHas, type ListSpec } from '../../src/db/queries/lists';
import { database, testDriver } from '../support/testServer';

// A node matched by an id the caller gives must be found through a unique index on `id`. Only
// `Entity`, `Source`, `Figure`, `Change`, `Redirect` and `AuditClock` have one: `(p:Product {id: pid})`
// is planned as a scan of every product, filtered by id (200,000 db hits in the 1M graph's `impact`,
// where the index seek of `(p:Entity {id: pid}) WHERE p:Product` makes 1,300 for the whole statement).

const QUERIES = path.join(__dirname, '../../src/db/queries');

/** Every statement the query modules export, and `impact`'s network statement in each time mode. */
async function statements(): Promise<NamedQuery[]> {
  const found: NamedQuery[] = [impactNetworkQuery(8, 'current'), impactNetworkQuery(8, 'asOf')];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (typeof (value as NamedQuery).cypher === 'string') found.push(value as NamedQuery);
    else Object.values(value).forEach(visit);
  };
  for (const file of fs.readdirSync(QUERIES).filter((f) => f.endsWith('.ts'))) Object.values(await import(path.join(QUERIES, file))).forEach(visit);
  return found;
}

/** The variables a statement matches by a given id: `(n:Label {id: $id})` or `(n:Label {id: row.id})`, not a literal id. */
function matchedById(cypher: string): string[] {
  return [...cypher.matchAll(/\((\w+):\w+ \{id: [$\w][\w.]*\}/g)].map((m) => m[1]!);
}

interface Plan {
  readonly operatorType: string;
  readonly arguments: { readonly Details?: string };
  readonly children: readonly Plan[];
}

/** The plan's scans of a whole label or of every node ("NodeByLabelScan n:Product", …), and with `indexes`, of a whole index. */
function scans(plan: Plan, indexes = false): string[] {
  const scan = indexes ? /LabelScan|AllNodesScan|IndexScan/ : /LabelScan|AllNodesScan/;
  const own = scan.test(plan.operatorType) ? [`${plan.operatorType.replace(/@.*/, '')} ${plan.arguments.Details ?? ''}`] : [];
  return [...own, ...plan.children.flatMap((child) => scans(child, indexes))];
}

describe('statement plans', () => {
  let driver: Driver;
  beforeAll(() => {
    driver = testDriver();
  });
  afterAll(() => driver.close());

  it('find every node matched by a given id through a unique index, not by scanning its label', async () => {
    const all = await statements();
    const byId = all.filter((s) => matchedById(s.cypher).length > 0);
    expect(byId.map((s) => s.name)).toEqual(expect.arrayContaining(['impact.network', 'curation.facilityInputs', 'curation.upsertFigure', 'nodesById']));
    const scanning: string[] = [];
    for (const statement of byId) {
      const { summary } = await driver.executeQuery(`EXPLAIN ${statement.cypher}`, {}, { database });
      const variables = matchedById(statement.cypher);
      for (const scan of scans(summary.plan as unknown as Plan)) {
        if (variables.some((v) => scan.includes(` ${v}:`))) scanning.push(`${statement.name}: ${scan}`);
      }
    }
    expect(scanning).toEqual([]);
  });

  // Every order of a root list reads an index in that order, for the first page and after a cursor,
  // ascending and descending: no page reads every node of its label (on the 1M graph,
  // `facilities(sort: {field: STATUS})` read 1.35 million db hits, and a page by name after a cursor
  // deep in the list 400,000). An order on a property some nodes lack (a start year, a capacity, a
  // date) reads those having it from its index and those lacking it from the label's `id` index, with
  // a cursor among either; sorted as one key, it read and sorted every node of the label.
  it('read every root list in the order of an index, sought from the cursor after one', async () => {
    const pages: { name: string; cypher: string; after: boolean }[] = [];
    for (const [list, spec] of Object.entries(LIST_SPECS) as [string, ListSpec][]) {
      for (const [field, sort] of Object.entries(spec.sorts)) {
        // A cursor on a value, and on a node lacking the property (its key is the missing value).
        const missing = everyNodeHas(spec, sort.property) ? [] : [{ key: sort.type === 'number' ? -1 : '', id: 'm' }];
        for (const descending of [false, true]) {
          for (const after of [null, { key: 'm', id: 'm' }, ...missing]) {
            const name = `${list} by ${field}${descending ? ' DESC' : ''}${after ? ` after a cursor (${JSON.stringify(after.key)})` : ''}`;
            pages.push({ name, cypher: buildListQuery(spec, null, { field, descending }, after).pageCypher, after: after !== null });
          }
        }
      }
    }
    expect(pages.length).toBeGreaterThanOrEqual(92);
    const scanning: string[] = [];
    for (const page of pages) {
      const { summary } = await driver.executeQuery(`EXPLAIN ${page.cypher}`, {}, { database });
      // After a cursor, the index is sought from the cursor's position, not read from its start.
      scanning.push(...scans(summary.plan as unknown as Plan, page.after).map((scan) => `${page.name}: ${scan}`));
    }
    expect(scanning).toEqual([]);
  });

  // A root list filtered at the top of `where` by one node (a relationship to a given id, `anchor` in
  // lists.ts) or by ids starts from that node, found through an index on `id`, rather than reading
  // the list in order and testing each node (1M: facilities by product 2.2 s, by two ids 388 ms). A
  // filter on the regions above a node walks up from the node: started from the region named, the
  // planner walked down to every region below it, once per node tested (1M: no answer in 20 s).
  it('start a filtered list from the node its filter names, and walk up to a region', async () => {
    const starts: { name: string; cypher: string }[] = [];
    const walks: { name: string; cypher: string }[] = [];
    for (const [list, spec] of Object.entries(LIST_SPECS) as [string, ListSpec][]) {
      const page = (where: Record<string, unknown>) => buildListQuery(spec, where, { field: spec.defaultSort, descending: false }, null).pageCypher;
      for (const [key, relation] of Object.entries(spec.relations)) {
        if (relation.anchor) starts.push({ name: `${list}.${key}`, cypher: page({ [key]: 'x' }) });
        if (relation.pattern.includes('top.id')) walks.push({ name: `${list}.${key}`, cypher: page({ [key]: 'x' }) });
      }
      if ('id' in spec.fields) starts.push({ name: `${list}.id`, cypher: page({ id: { eq: 'x' } }) });
    }
    expect(starts.length).toBeGreaterThanOrEqual(12);
    expect(walks.map((w) => w.name)).toEqual(expect.arrayContaining(['Facility.inRegion', 'Company.country', 'Region.inRegion']));
    const wrong: string[] = [];
    for (const { name, cypher } of starts) {
      const { summary } = await driver.executeQuery(`EXPLAIN ${cypher}`, { limit: 21 }, { database });
      const first = firstLeaf(summary.plan as unknown as Plan);
      // The unique index, or a label's own `id` index (schema.ts), sought for the id given.
      if (!/^NodeUniqueIndexSeek|^NodeIndexSeek .*\(id\) WHERE id (=|IN) /.test(first)) wrong.push(`${name} starts with ${first}`);
    }
    for (const { name, cypher } of walks) {
      const { summary } = await driver.executeQuery(`EXPLAIN ${cypher}`, { limit: 21 }, { database });
      wrong.push(...seeks(summary.plan as unknown as Plan).map((seek) => `${name} seeks ${seek}`));
    }
    expect(wrong).toEqual([]);
  });

  // An order on a property some nodes lack reads its second segment only when the first leaves the page
  // short. The seed has facilities on both sides of START_YEAR, so a page of 3 is filled by the first
  // segment in either direction, and the other segment's leaf must read nothing. A condition on the
  // count tested beside the property instead read the whole `id` index, every entry rejected.
  it('read the second segment of an order on a property some nodes lack only for a page the first leaves short', async () => {
    const counted = await driver.executeQuery('MATCH (f:Facility) RETURN count(f.startYear) AS having, count(*) - count(f.startYear) AS lacking', {}, { database });
    expect(counted.records[0]!.get('having')).toBeGreaterThan(3);
    expect(counted.records[0]!.get('lacking')).toBeGreaterThan(3);
    const read: Record<string, number> = {};
    for (const descending of [false, true]) {
      const query = buildListQuery(LIST_SPECS.Facility, null, { field: 'START_YEAR', descending }, null);
      const { records, summary } = await driver.executeQuery(`PROFILE ${query.pageCypher}`, { ...query.params, limit: neo4j.int(3) }, { database });
      expect(records).toHaveLength(3);
      // The leaves read: the first segment's, then the second's (the `id` index descending, a start-year
      // index ascending).
      const leaves = profiled(summary.profile as unknown as Profiled).filter((op) => op.children.length === 0 && !op.operatorType.startsWith('Argument'));
      expect(leaves).toHaveLength(2);
      read[descending ? 'DESC' : 'ASC'] = leaves[1]!.rows;
    }
    expect(read).toEqual({ ASC: 0, DESC: 0 });
  });
});

interface Profiled {
  readonly operatorType: string;
  readonly rows: number;
  readonly children: readonly Profiled[];
}

/** Every operator of a profiled plan. */
function profiled(plan: Profiled): Profiled[] {
  return [plan, ...plan.children.flatMap(profiled)];
}

/** The operator a plan reads first (its leftmost leaf), with its details. */
function firstLeaf(plan: Plan): string {
  const child = plan.children[0];
  return child ? firstLeaf(child) : `${plan.operatorType.replace(/@.*/, '')} ${plan.arguments.Details ?? ''}`;
}

/** The plan's unique-index seeks (a node found by id). */
function seeks(plan: Plan): string[] {
  const own = plan.operatorType.startsWith('NodeUniqueIndexSeek') ? [plan.arguments.Details ?? ''] : [];
  return [...own, ...plan.children.flatMap(seeks)];
}
