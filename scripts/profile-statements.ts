/**
 * `npm run profile:statements [-- --operations frontend,lookup] [--seconds S]`: how much of an
 * operation's cost is its Cypher statement. Runs each benchmark operation once in-process (the same
 * code as the server) against the seeded database of NEO4J_URI, keeps the statement(s) it sent, then
 * sends our last statement and the floor's hand-written one straight through `neo4j-driver` with 8
 * concurrent callers for S seconds each (no GraphQL, no HTTP), and prints both rates and the size of
 * both answers. When our statement alone runs at about the server's rate, the statement (and what it
 * carries back) is the limit, not the GraphQL layer.
 */
import type { Driver } from 'neo4j-driver';
import { loadCypher } from '../bench/load';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { createDriver } from '../src/db/driver';
import type { NamedQuery } from '../src/db/executor';
import { ProfilingExecutor } from '../src/db/profiling';
import { createApp } from '../src/server';
import { ourOperations, SEED_IDS } from '../bench/operations';

const CALLERS = 8;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Statements per second (the benchmark's floor loop, CALLERS callers for `seconds`) and the answer's size in JSON bytes. */
async function rate(driver: Driver, database: string, statement: NamedQuery, params: Record<string, unknown>, seconds: number): Promise<{ perSec: number; bytes: number }> {
  const first = await driver.executeQuery(statement.cypher, params, { database, routing: 'READ' });
  const bytes = JSON.stringify(first.records.map((r) => r.toObject())).length;
  const load = await loadCypher(driver, database, statement, params, { durationSec: seconds, connections: CALLERS });
  if (load.failures > 0) throw new Error(`${statement.name}: ${load.failures} failed statements (first: ${load.firstFailure})`);
  return { perSec: Math.round(load.rps), bytes };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.neo4j.uri) throw new Error('Set NEO4J_URI to a seeded database (for example after `npm run neo4j:start` and `npm run seed`)');
  const names = (option('--operations') ?? 'lookup,page,search,frontend').split(',');
  const seconds = Number(option('--seconds') ?? 6);
  const silent = pino({ level: 'silent' });
  const database = config.neo4j.database;
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  const app = await createApp({ config, driver, log: silent });
  try {
    for (const op of ourOperations(SEED_IDS).filter((o) => names.includes(o.name))) {
      const ctx = createContext({ driver, database, queryTimeoutMs: 60_000, log: silent, profile: true }, `profile-${op.name}`);
      const response = await app.apollo.executeOperation({ query: op.query, variables: op.variables }, { contextValue: ctx });
      if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(`${op.name}: the operation failed`);
      if (!(ctx.db instanceof ProfilingExecutor) || ctx.db.statements.length === 0) throw new Error(`${op.name}: no statement was sent`);
      const last = ctx.db.statements[ctx.db.statements.length - 1]!;
      const ours = await rate(driver, database, { name: `ours.${op.name}`, cypher: last.cypher }, last.params, seconds);
      const floor = await rate(driver, database, op.floor.statement, op.floor.params, seconds);
      console.log(
        `${op.name.padEnd(10)} statements ${ctx.db.statements.length}; ours alone ${ours.perSec}/s, answer ${ours.bytes} B; ` +
          `floor ${floor.perSec}/s, answer ${floor.bytes} B`,
      );
    }
  } finally {
    await app.stop();
    await driver.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
