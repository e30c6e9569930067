/**
 * Type guards and typed accessors for values whose type the compiler cannot know (stored properties,
 * parsed JSON, caught errors). They check at run time instead of asserting with `as`.
 */

/** A plain object (not null, not an array): its keys can be read as fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array whose every item is a string. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The field `name` of `value` when it is an object, else undefined. */
export function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

/** The message of a caught value: an Error's message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a caught error (Node's `ErrnoException`, the Neo4j driver's `Neo4jError`), if it has a text one. */
export function errorCode(error: unknown): string | undefined {
  const code = fieldOf(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** A guard for the members of a `const` tuple (an allow-list such as a GraphQL enum's values). */
export function isOneOf<const T extends string>(values: readonly T[]): (value: unknown) => value is T {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return (value: unknown): value is T => allowed.has(value);
}
