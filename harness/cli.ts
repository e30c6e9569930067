/**
 * The value after `flag` in a script's arguments (`--runs 5`), or `fallback` when the flag is absent.
 * Throws, naming the flag, unless it is a positive number (a positive whole number when `integer`).
 */
export function positiveFlag(argv: readonly string[], flag: string, fallback: number, { integer = true } = {}): number {
  const at = argv.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`${flag} needs a positive ${integer ? 'whole ' : ''}number`);
  return value;
}
