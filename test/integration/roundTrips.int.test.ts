import type { Driver } from 'neo4j-driver';
import { createApp, type App } from '../../src/server';
import { database, execute, silentLog, testContext, testDriver } from '../support/testServer';

let driver: Driver;
let app: App;
beforeAll(async () => {
  driver = testDriver();
  app = await createApp({ config: { corsOrigins: '*', neo4j: { database, queryTimeoutMs: 15_000 } }, driver, log: silentLog });
});
afterAll(async () => {
  await app.stop();
  await driver.close();
});

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

// Upper bound from the shape of NESTED: 1 page query + 3 relation fields (operator, region, inputs)
// + 1 batch of the facilities' sources + at most 1 batch of sources under each relation field.
const BOUND = 1 + 3 + 1 + 3;

describe('DataLoader batching', () => {
  it('bounds database round trips by the shape of the query, not by the number of items', async () => {
    const trips: number[] = [];
    for (const first of [2, 20, 37]) {
      const ctx = testContext(driver);
      const { data, errors } = await execute<any>(app, ctx, NESTED, { first });
      expect(errors).toBeUndefined();
      expect(data.facilities.edges).toHaveLength(first);
      trips.push(ctx.db.roundTrips);
    }
    for (const count of trips) expect(count).toBeLessThanOrEqual(BOUND);
    // Without batching, 37 facilities alone would need over 100 round trips.
    expect(Math.max(...trips)).toBeLessThan(37);
  });
});
