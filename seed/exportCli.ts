import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { createDriver, waitForDatabase } from '../src/db/driver';
import { createLogger } from '../src/logger';
import { UsageError, cliExecutor, integerOption, parseArgs, runCli } from './cliArgs';
import { exportGraph, writeSeedFolder } from '../src/import/exporter';

/**
 * `npm run export -- <folder> [--around <id,id> [--hops N]] [--force]`: writes the graph of NEO4J_URI (or
 * the subgraph within N hops, default 1, of the given ids) as a seed folder. The folder must be empty or
 * new; `--force` replaces the sources.json, nodes/*.json and relationships/*.json already in it.
 */
const USAGE = 'usage: npm run export -- <folder> [--around <id,id> [--hops N]] [--force]';

const err = (line: string): void => void process.stderr.write(`${line}\n`);

/** Removes what a previous export wrote (and only that) from `dir`. */
function clearExport(dir: string): void {
  const json = (sub: string) => (fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, sub, f)) : []);
  for (const file of [path.join(dir, 'sources.json'), ...json('nodes'), ...json('relationships')]) fs.rmSync(file, { force: true });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { flags: ['force'], valued: ['around', 'hops'], usage: USAGE });
  const [dir, ...extra] = args.positional;
  if (!dir || extra.length > 0) throw new UsageError(USAGE);
  const around = args.values.get('around')?.split(',').map((id) => id.trim()).filter(Boolean);
  if (around?.length === 0) throw new UsageError('--around needs at least one id');
  if (!around && args.values.has('hops')) throw new UsageError('--hops goes with --around');
  const hops = integerOption(args, 'hops', 1, 0, 20);
  const replace = fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
  if (replace && !args.flags.has('force')) throw new UsageError(`${dir} is not empty; give a new or empty folder, or --force to replace an earlier export there`);

  const config = loadConfig();
  if (!config.neo4j.uri) throw new ConfigError('NEO4J_URI is unset: expected the database to export (for example bolt://127.0.0.1:7687)');
  const driver = createDriver({ ...config.neo4j, uri: config.neo4j.uri });
  try {
    await waitForDatabase(driver, config.neo4j.database, config.neo4j.connectRetries, createLogger(config));
    const graph = await exportGraph(cliExecutor(driver, config, 'export'), around ? { around, hops } : {});
    if (replace) clearExport(dir);
    const files = writeSeedFolder(dir, graph);
    for (const warning of graph.warnings) err(`warning: ${warning}`);
    const count = (lists: Iterable<unknown[]>) => [...lists].reduce((sum, list) => sum + list.length, 0);
    process.stdout.write(
      `Exported ${graph.sources.length} sources, ${count(graph.nodes.values())} nodes and ${count(graph.relationships.values())} relationships ` +
        `${around ? `within ${hops} hop(s) of ${around.join(', ')} ` : ''}to ${dir} (${files.length} files).\n`,
    );
    return 0;
  } finally {
    await driver.close();
  }
}

runCli(main);
