import { testDriver, database } from './testServer';

/**
 * Removes what a suite wrote to the shared database: entities, sources and figures whose id starts with
 * `prefix` (with their relationships), and the audit entries (`:Change`) that name such an id, or that
 * carry one of the given request ids or actors. Opens its own driver: call it from `afterAll`.
 */
export async function removeTestData(options: { prefix?: string; requestIds?: string[]; actors?: string[] }): Promise<void> {
  const driver = testDriver();
  try {
    const { prefix = null, requestIds = [], actors = [] } = options;
    if (prefix !== null) {
      if (prefix.length < 6) throw new Error(`refusing to clean up by the short prefix "${prefix}"`);
      await driver.executeQuery('MATCH (n) WHERE (n:Entity OR n:Source OR n:Figure) AND n.id STARTS WITH $prefix DETACH DELETE n', { prefix }, { database });
    }
    await driver.executeQuery(
      `MATCH (c:Change)
       WHERE ($prefix IS NOT NULL AND (c.target STARTS WITH $prefix OR any(e IN coalesce(c.entityIds, []) WHERE e STARTS WITH $prefix)))
          OR c.requestId IN $requestIds OR c.actor IN $actors
       DETACH DELETE c`,
      { prefix, requestIds, actors },
      { database },
    );
  } finally {
    await driver.close();
  }
}
