import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { NamedQuery } from '../../src/db/executor';
import { impactNetworkQuery } from '../../src/db/queries/impact';
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

/** The plan's scans of a whole label or of every node ("NodeByLabelScan n:Product", …). */
function scans(plan: Plan): string[] {
  const own = /LabelScan|AllNodesScan/.test(plan.operatorType) ? [`${plan.operatorType.replace(/@.*/, '')} ${plan.arguments.Details ?? ''}`] : [];
  return [...own, ...plan.children.flatMap(scans)];
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
});
