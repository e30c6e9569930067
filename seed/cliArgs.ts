import type { Driver } from 'neo4j-driver';
import { ConfigError, type Config } from '../src/config';
import { Executor } from '../src/db/executor';
import { createLogger } from '../src/logger';

/** A problem with the command line the user can fix: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  /** The arguments that are not options, in order. */
  readonly positional: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

/**
 * Parses `--flag`, `--name value` and `--name=value` options (only those named in `flags` and `valued`)
 * and positional arguments; anything else is a `UsageError` that repeats `usage`.
 */
export function parseArgs(argv: readonly string[], spec: { flags: readonly string[]; valued: readonly string[]; usage: string }): ParsedArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError(spec.usage);
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s);
    if (spec.flags.includes(name) && inline === undefined) flags.add(name);
    else if (spec.valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value; ${spec.usage}`);
      values.set(name, value);
    } else throw new UsageError(`unknown option "${arg}"; ${spec.usage}`);
  }
  return { positional, flags, values };
}

/** The integer value of an option, within bounds, or `fallback` when it is not given. */
export function integerOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/**
 * Runs a command's `main` and exits with its code. A usage or configuration error prints its message and
 * exits 2; an error of one of the `expected` classes prints its message, anything else itself (with its
 * type), and both exit 1.
 */
export function runCli(main: () => Promise<number>, expected: readonly (abstract new (...args: never[]) => Error)[] = []): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const usage = error instanceof UsageError || error instanceof ConfigError;
      const known = usage || expected.some((type) => error instanceof type);
      process.stderr.write(`${known ? (error as Error).message : String(error)}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}

/** How long one transaction of a command-line tool may run (a large import batch, a whole export). */
export const CLI_TIMEOUT_MS = 30 * 60_000;

/** The executor of a command-line tool: every statement it runs goes through it, named after the tool. */
export function cliExecutor(driver: Driver, config: Config, tool: string): Executor {
  return new Executor({ driver, database: config.neo4j.database, timeoutMs: CLI_TIMEOUT_MS, log: createLogger(config), requestId: `${tool}-cli-${process.pid}` });
}
