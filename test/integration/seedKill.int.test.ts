import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { standaloneExecutor } from '../../src/db/executor';
import { contentHash } from '../../src/db/contentHash';
import { startScratchNeo4j, type ScratchNeo4j } from '../../harness/scratchNeo4j';
import { until } from '../../harness/events';

/**
 * The seed writes the whole graph in one transaction, so a load killed midway leaves nothing, and a rerun
 * converges to exactly the graph of an uninterrupted load (same content hash). Runs the real CLI
 * (`npm run seed`) against a Neo4j of its own and SIGKILLs it while Neo4j shows its write transaction
 * running a relationship statement: by then every node has been written inside that transaction.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DATABASE = 'neo4j';
/** The loader's relationship statement (db/queries/import.ts): it runs after all nodes are written. */
const RELATIONSHIP_UPSERT = 'MERGE (a)-[r:';

interface SeedRun {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** `npm run seed` as one process (`node --import tsx`, no wrapper), so a SIGKILL reaches the process holding the transaction. */
function runSeedCli(uri: string): SeedRun {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('seed', 'cli.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NEO4J_URI: uri, NEO4J_DATABASE: DATABASE, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))), output: () => output };
}

interface SeedTransaction {
  readonly id: string;
  readonly locks: number;
}

interface Kill extends SeedTransaction {
  /** Runs started until one was caught (the others finished first and were wiped). */
  readonly attempts: number;
}

/** The seed's write transaction if it is running its relationship statement now (our own SHOW TRANSACTIONS excluded). */
async function seedWritingRelationships(scratch: ScratchNeo4j): Promise<SeedTransaction | undefined> {
  const { records } = await scratch.driver.executeQuery(
    `SHOW TRANSACTIONS YIELD transactionId, currentQuery, activeLockCount
     WHERE currentQuery CONTAINS $statement AND NOT currentQuery STARTS WITH 'SHOW'
     RETURN transactionId, activeLockCount`,
    { statement: RELATIONSHIP_UPSERT },
  );
  const record = records[0];
  return record ? { id: record.get('transactionId') as string, locks: Number(record.get('activeLockCount')) } : undefined;
}

/** Resolves once Neo4j no longer lists transaction `id` (it rolls back a transaction whose client is gone). */
async function transactionGone(scratch: ScratchNeo4j, id: string): Promise<void> {
  await until(
    async () => {
      const { records } = await scratch.driver.executeQuery('SHOW TRANSACTIONS $id YIELD transactionId RETURN count(*) AS n', { id });
      return Number(records[0]?.get('n')) === 0;
    },
    `transaction ${id} gone after its client was killed`,
    60_000,
  );
}

async function countNodes(scratch: ScratchNeo4j): Promise<number> {
  const { records } = await scratch.driver.executeQuery('MATCH (n) RETURN count(n) AS n', {}, { database: DATABASE });
  return Number(records[0]?.get('n'));
}

/**
 * Starts the seed CLI and SIGKILLs it once its write transaction is seen running a relationship
 * statement. A run that finishes before it is seen (a fast machine) is wiped and started again.
 */
async function killSeedMidTransaction(scratch: ScratchNeo4j): Promise<Kill> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = runSeedCli(scratch.uri);
    let finished = false;
    void run.exited.then(() => {
      finished = true;
    });
    while (!finished) {
      const transaction = await seedWritingRelationships(scratch);
      if (transaction && !finished) {
        run.child.kill('SIGKILL');
        expect(await run.exited).toBeNull(); // killed, not exited
        return { ...transaction, attempts: attempt + 1 };
      }
    }
    expect({ exit: await run.exited, output: run.output() }).toMatchObject({ exit: 0 });
    await scratch.driver.executeQuery('MATCH (n) DETACH DELETE n', {}, { database: DATABASE });
  }
  throw new Error('the seed finished five times before its write transaction could be seen');
}

describe('a seed load killed midway', () => {
  let scratch: ScratchNeo4j;
  beforeAll(async () => {
    scratch = await startScratchNeo4j('seed-kill');
  }, 120_000);
  afterAll(async () => {
    await scratch?.close();
  });

  it('leaves no partial graph, and a rerun converges to the same content hash', async () => {
    const first = runSeedCli(scratch.uri);
    expect({ exit: await first.exited, output: first.output() }).toMatchObject({ exit: 0 });
    const complete = await contentHash(standaloneExecutor(scratch.driver, DATABASE, 'seed-kill-test'));
    const nodes = await countNodes(scratch);
    expect(nodes).toBeGreaterThan(100);

    await scratch.driver.executeQuery('MATCH (n) DETACH DELETE n', {}, { database: DATABASE });
    expect(await countNodes(scratch)).toBe(0);

    const killed = await killSeedMidTransaction(scratch);
    expect(killed.locks).toBeGreaterThan(0); // it held the locks of the nodes it had written
    await transactionGone(scratch, killed.id); // Neo4j rolled it back when the connection dropped
    expect(await countNodes(scratch)).toBe(0);

    const rerun = runSeedCli(scratch.uri);
    expect({ exit: await rerun.exited, output: rerun.output() }).toMatchObject({ exit: 0 });
    expect(await countNodes(scratch)).toBe(nodes);
    expect(await contentHash(standaloneExecutor(scratch.driver, DATABASE, 'seed-kill-test'))).toBe(complete);
    process.stdout.write(`seed killed in run ${killed.attempts}, its transaction holding ${killed.locks} locks; ${nodes} nodes after the rerun\n`);
  }, 180_000);
});
