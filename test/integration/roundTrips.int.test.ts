import { createContext } from '../../src/context';
import { database, execute, setupInProcessApp, silentLog } from '../support/testServer';

const t = setupInProcessApp();

const NESTED = /* GraphQL */ `
  query Nested($first: Int) {
    facilities(first: $first) {
      edges { node {
        id
        sources { id }
        operator { name sources { id } }
        region { name sources { id } }
        inputs { material from { id name } sources { id } }
      } }
    }
  }`;

// NESTED has three levels that reach the database: the page; the facilities' sources, operators,
// regions and inputs (one batch); the sources of those (one batch).
const LEVELS = 3;

const context = (fold: boolean) => createContext({ driver: t.driver, database, queryTimeoutMs: 15_000, log: silentLog, fold }, 'round-trips');

describe('round trips', () => {
  it('with the request compiler: one statement for the page and every level below it', async () => {
    for (const first of [2, 37]) {
      const ctx = context(true);
      const { data, errors } = await execute<any>(t.app, ctx, NESTED, { first });
      expect(errors).toBeUndefined();
      expect(data.facilities.edges).toHaveLength(first);
      expect(ctx.db.roundTrips).toBe(1);
    }
  });

  it('through the DataLoaders alone: one round trip per level of the query, not per item or field', async () => {
    const trips: number[] = [];
    for (const first of [2, 20, 37]) {
      const ctx = context(false);
      const { data, errors } = await execute<any>(t.app, ctx, NESTED, { first });
      expect(errors).toBeUndefined();
      expect(data.facilities.edges).toHaveLength(first);
      trips.push(ctx.db.roundTrips);
    }
    // Without batching, 37 facilities would need over 100 round trips.
    expect(trips).toEqual([LEVELS, LEVELS, LEVELS]);
  });
});

describe('round trips of a traversal', () => {
  const run = async (query: string) => {
    const ctx = context(true);
    const result = await execute<any>(t.app, ctx, query);
    return { ...result, trips: ctx.db.roundTrips };
  };

  it('one when it finds anything: its statement matched the start', async () => {
    const found = await run(/* GraphQL */ `{ dependents(of: "dep-lovozero", maxHops: 6) { hops entity { id name } } }`);
    expect(found.data.dependents.length).toBeGreaterThan(0);
    expect(found.trips).toBe(1);
    const paths = await run(/* GraphQL */ `{ paths(from: "dep-lovozero", to: "fac-glazov-magnet") { length } }`);
    expect(paths.data.paths.length).toBeGreaterThan(0);
    expect(paths.trips).toBe(1);
  });

  it("impact: one when the disruption reaches anything, its statement's paths starting at the disrupted entity", async () => {
    const reached = await run(/* GraphQL */ `{ impact(of: ["fac-lovozero-gok"]) { disrupted { id name } affected { entity { id } } } }`);
    expect(reached.errors).toBeUndefined();
    expect(reached.data.impact.disrupted).toEqual([{ id: 'fac-lovozero-gok', name: expect.any(String) }]);
    expect(reached.data.impact.affected.length).toBeGreaterThan(0);
    expect(reached.trips).toBe(1);
  });

  it('impact: a second one for a disruption that enters nothing, or a missing entity', async () => {
    // Nothing lies in this country in the seed: the statement matched no entry, so the entity is looked up.
    const empty = await run(/* GraphQL */ `{ impact(of: ["country-vietnam"]) { disrupted { id } affected { entity { id } } } }`);
    expect(empty.errors).toBeUndefined();
    expect(empty.data.impact).toEqual({ disrupted: [{ id: 'country-vietnam' }], affected: [] });
    expect(empty.trips).toBe(2);
    const missing = await run(/* GraphQL */ `{ impact(of: ["fac-no-such-plant"]) { affected { hops } } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.trips).toBe(2);
  });

  it('a second one to tell an empty answer from a missing start', async () => {
    const missing = await run(/* GraphQL */ `{ dependents(of: "dep-no-such-deposit") { hops } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.trips).toBe(2);
  });
});
