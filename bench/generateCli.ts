/**
 * Generates and loads the synthetic benchmark graph (bench/generate/):
 *
 *   npm run generate -- --nodes 1000000 [--seed 42] [--batch-size 10000] [--force] [--heap 2g] [--page-cache 1g]
 *
 * With NEO4J_URI set, loads into that database (NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) online,
 * in batched transactions. Otherwise the store is .data/synthetic-<nodes>: when it does not exist yet,
 * Neo4j's offline importer (`neo4j-admin database import full`) writes it, then an embedded Neo4j
 * starts on it for the schema; when it exists, an embedded Neo4j starts on it and the graph is loaded
 * online. Either way the database is stopped at the end, with a line saying how to serve it. Refuses (exit 2) when the database already holds `syn-`
 * nodes, unless --force (they are then detach-deleted in batches first).
 * Progress goes to stderr; the result (counts, rates, samples) to stdout as one JSON object.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { ConfigError, loadConfig } from '../src/config';
import { createDriver } from '../src/db/driver';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../src/embedded';
import { freePort } from '../src/net';
import { countSyntheticNodes, deleteSyntheticGraph, generateGraph, generateOffline, MIN_NODES } from './generate';

const USAGE =
  'usage: npm run generate -- --nodes <n> [--seed <int>] [--batch-size <n>] [--force] [--heap <size>] [--page-cache <size>]';

/** A problem the user can fix: one line on stderr, exit code 2. */
class UsageError extends Error {}

interface Args {
  nodes: number;
  seed: number;
  batchSize: number;
  force: boolean;
  heap: string;
  pageCache: string;
}

function parseArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--force') {
      force = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    const match = /^--(nodes|seed|batch-size|heap|page-cache)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}"; ${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${match[1]!} needs a value; ${USAGE}`);
    values.set(match[1]!, value);
  }
  const integer = (name: string, fallback: number | undefined, min: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new UsageError(`--${name} is required; ${USAGE}`);
      return fallback;
    }
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const size = (name: string, env: string | undefined, fallback: string): string => {
    const value = values.get(name) ?? (env || fallback);
    if (!/^\d+[kmg]$/i.test(value)) throw new UsageError(`--${name} must be a size such as 512m or 2g, got "${value}"`);
    return value;
  };
  return {
    nodes: integer('nodes', undefined, MIN_NODES, 50_000_000),
    seed: integer('seed', 42, 0, 2 ** 32 - 1),
    batchSize: integer('batch-size', 10_000, 1, 1_000_000),
    force,
    heap: size('heap', process.env.NEO4J_EMBEDDED_HEAP, '2g'),
    pageCache: size('page-cache', process.env.NEO4J_EMBEDDED_PAGECACHE, '1g'),
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

async function main(): Promise<number> {
  let args: Args;
  let config: ReturnType<typeof loadConfig>;
  try {
    args = parseArgs(process.argv.slice(2));
    config = loadConfig();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const database = config.neo4j.database;
  let embedded: EmbeddedNeo4j | undefined;
  let driver: Driver | undefined;
  let dataDir: string | undefined;
  let verbose = false;
  const stop = async (): Promise<void> => {
    await driver?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stop().then(() => process.exit(130));
    });
  }

  try {
    let uri = config.neo4j.uri;
    const fresh = path.resolve(process.cwd(), '.data', `synthetic-${args.nodes}`);
    if (!uri && !fs.existsSync(fresh)) {
      // An empty store: the offline importer writes it directly, then the database starts for the schema.
      dataDir = fresh;
      log(`Generating ~${args.nodes.toLocaleString('en-US')} nodes (seed ${args.seed}) into a new store ${dataDir} with neo4j-admin database import`);
      const start = async (): Promise<Driver> => {
        embedded = await startEmbeddedNeo4j({ port: await freePort(), dataDir: fresh, heap: args.heap, pageCache: args.pageCache });
        driver = createDriver({ ...config.neo4j, uri: embedded.uri });
        return driver;
      };
      const result = await generateOffline(fresh, database, start, { nodes: args.nodes, seed: args.seed, heap: args.heap, log });
      process.stdout.write(`${JSON.stringify({ database, uri: null, dataDir, loader: 'neo4j-admin database import', ...result }, null, 2)}\n`);
      log(
        `Imported ${result.nodes.toLocaleString('en-US')} nodes (${result.nodesPerSec.toLocaleString('en-US')}/s) and ` +
          `${result.relationships.toLocaleString('en-US')} relationships (${result.relationshipsPerSec.toLocaleString('en-US')}/s) in ` +
          `${result.importerSeconds} s of neo4j-admin; ${result.seconds} s in all (files, import, schema, samples)`,
      );
      await stop();
      log(
        `The embedded Neo4j is stopped. To serve this graph: NEO4J_EMBEDDED_DATA_DIR=${path.relative(process.cwd(), fresh)} NEO4J_EMBEDDED_HEAP=${args.heap} ` +
          `NEO4J_EMBEDDED_PAGECACHE=${args.pageCache} SEED_ON_EMPTY=false npm start`,
      );
      return 0;
    }
    if (!uri) {
      dataDir = fresh;
      embedded = await startEmbeddedNeo4j({
        port: await freePort(),
        dataDir,
        heap: args.heap,
        pageCache: args.pageCache,
        ...(config.neo4j.password ? { password: config.neo4j.password } : {}),
        // Quiet until the database is known to be usable, so a refusal stays one line.
        log: (m) => {
          if (verbose && !m.startsWith('[neo4j')) log(m);
        },
      });
      uri = embedded.uri;
    }
    driver = createDriver({ ...config.neo4j, uri });
    await driver.getServerInfo({ database });

    const existing = await countSyntheticNodes(driver, database);
    if (existing > 0 && !args.force) {
      process.stderr.write(
        `Database "${database}" at ${uri} already holds ${existing.toLocaleString('en-US')} synthetic (syn-) nodes; rerun with --force to delete them first\n`,
      );
      return 2;
    }
    verbose = true;
    if (embedded) log(`Embedded Neo4j at ${uri} (pid ${embedded.pid}, data ${dataDir ?? ''}, heap ${args.heap}, page cache ${args.pageCache})`);
    if (existing > 0) {
      log(`--force: deleting ${existing.toLocaleString('en-US')} synthetic nodes first`);
      await deleteSyntheticGraph(driver, database, 2_000, log);
    }
    log(`Loading a synthetic graph of ~${args.nodes.toLocaleString('en-US')} nodes (seed ${args.seed}) into "${database}" at ${uri}`);
    const result = await generateGraph(driver, database, { nodes: args.nodes, seed: args.seed, batchSize: args.batchSize, log });
    process.stdout.write(`${JSON.stringify({ database, uri: embedded ? null : uri, dataDir: dataDir ?? null, ...result }, null, 2)}\n`);
    log(
      `Loaded ${result.nodes.toLocaleString('en-US')} nodes (${result.nodesPerSec.toLocaleString('en-US')}/s) and ` +
        `${result.relationships.toLocaleString('en-US')} relationships (${result.relationshipsPerSec.toLocaleString('en-US')}/s) in ${result.seconds} s`,
    );
    if (dataDir) {
      await stop();
      const relative = path.relative(process.cwd(), dataDir) || dataDir;
      log(
        `The embedded Neo4j is stopped. To serve this graph: NEO4J_EMBEDDED_DATA_DIR=${relative} NEO4J_EMBEDDED_HEAP=${args.heap} ` +
          `NEO4J_EMBEDDED_PAGECACHE=${args.pageCache} SEED_ON_EMPTY=false npm start`,
      );
    }
    return 0;
  } catch (error) {
    process.stderr.write(`Generation failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    return 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
