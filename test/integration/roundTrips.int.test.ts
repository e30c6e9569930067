import { execute, setupInProcessApp, testContext } from '../support/testServer';

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

describe('DataLoader batching', () => {
  it('costs one round trip per level of the query, not per item or field', async () => {
    const trips: number[] = [];
    for (const first of [2, 20, 37]) {
      const ctx = testContext(t.driver);
      const { data, errors } = await execute<any>(t.app, ctx, NESTED, { first });
      expect(errors).toBeUndefined();
      expect(data.facilities.edges).toHaveLength(first);
      trips.push(ctx.db.roundTrips);
    }
    // Without batching, 37 facilities would need over 100 round trips.
    expect(trips).toEqual([LEVELS, LEVELS, LEVELS]);
  });
});
