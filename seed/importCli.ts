import os from 'node:os';
import { ConfigError, loadConfig } from '../src/config';
import { recordChange } from '../src/db/audit';
import { importChange } from '../src/curation/imports';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { createLogger } from '../src/logger';
import { UsageError, cliExecutor, integerOption, parseArgs, runCli } from './cliArgs';
import { readImportFiles } from '../src/import/files';
import { DEFAULT_ATOMIC_LIMIT, DEFAULT_BATCH_SIZE, ImportBatchError, applyImport, findKnownIds, planImport } from '../src/import/importer';
import { progressBar, progressLines } from './progress';
import { formatProblem } from '../src/domain/validate';

/**
 * `npm run import -- <file or folder> [--dry-run] [--batch-size N] [--atomic-limit N]` into the database
 * of NEO4J_URI. Validates everything first and prints every problem as `file:line: field: reason` (exit
 * 1, nothing written); `--dry-run` stops after validation. Then writes in one transaction (up to
 * `--atomic-limit` records, 20,000 by default; all or nothing) or in resumable batches of
 * `--batch-size` records (1,000 by default; after a failure, run the same command again).
 */
const USAGE = 'usage: npm run import -- <file or folder> [--dry-run] [--batch-size N] [--atomic-limit N]';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { flags: ['dry-run'], valued: ['batch-size', 'atomic-limit'], usage: USAGE });
  const [target, ...extra] = args.positional;
  if (!target || extra.length > 0) throw new UsageError(USAGE);
  const batchSize = integerOption(args, 'batch-size', DEFAULT_BATCH_SIZE, 1, 1_000_000);
  const atomicLimit = integerOption(args, 'atomic-limit', DEFAULT_ATOMIC_LIMIT, 0, 10_000_000);
  const dryRun = args.flags.has('dry-run');

  const config = loadConfig();
  if (!config.neo4j.uri) throw new ConfigError('NEO4J_URI is unset: expected the database to import into (for example bolt://127.0.0.1:7687)');
  const { database } = config.neo4j;
  const startedAt = performance.now();
  const files = readImportFiles(target);
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  try {
    await waitForDatabase(driver, database, config.neo4j.connectRetries, createLogger(config));
    const executor = cliExecutor(driver, config, 'import');
    const known = await executor.readTransaction('import.knownIds', (tx) => findKnownIds(tx, files.raw));
    const plan = planImport(files.raw, known);
    const problems = [...files.problems, ...plan.problems];
    const { sources, nodes, relationships } = plan.counts;
    const summary = `${sources} sources, ${nodes} nodes, ${relationships} relationships`;
    if (problems.length > 0) {
      for (const problem of problems) err(formatProblem(problem));
      err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files.files.length} file(s) (valid: ${summary}); nothing was written.`);
      return 1;
    }
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    if (dryRun) {
      out(`Dry run: ${files.files.length} file(s), ${plan.total} valid records (${summary}), no problems, checked in ${seconds} s; nothing was written.`);
      return 0;
    }

    const progress = process.stdout.isTTY ? progressBar(process.stdout) : progressLines(out);
    const writeStartedAt = performance.now();
    // The audit trail: one entry for the whole import, as for `importRecords`, committed with the
    // transaction that completes it (the only one, or the last batch's).
    const actor = { name: `cli:${os.userInfo().username}`, role: 'writer' } as const;
    const result = await applyImport(executor, plan, {
      batchSize,
      atomicLimit,
      onProgress: (p) => progress.update(p),
      onComplete: async (tx, mode) => {
        await recordChange(tx, actor, `import-cli-${process.pid}`, importChange(plan, `${target}: ${summary}`, null, { files: files.files.length, ...plan.counts, mode }));
      },
    }).finally(() => progress.stop());
    const writeSeconds = (performance.now() - writeStartedAt) / 1000;
    const how = result.mode === 'atomic' ? 'in one transaction' : `in ${result.batches} batches of up to ${batchSize}`;
    out(`Imported ${plan.total} records (${summary}) ${how} in ${writeSeconds.toFixed(1)} s (${Math.round(plan.total / Math.max(writeSeconds, 0.001))} records/s).`);
    return 0;
  } finally {
    await driver.close();
  }
}

runCli(main, [ImportBatchError]);
