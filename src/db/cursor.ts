import { BadUserInputError } from '../errors';

/**
 * Keyset cursors: the sort key and the id of an item, base64url-encoded JSON. Opaque to clients;
 * tied to the sort field, so a cursor from another sort order is rejected rather than misread.
 */
export interface CursorPosition {
  readonly sort: string;
  readonly key: string | number;
  readonly id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.key, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedSort: string, argument: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError(`"${argument}" is not a cursor returned by this API`, argument);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    (typeof parsed[1] !== 'string' && typeof parsed[1] !== 'number') ||
    typeof parsed[2] !== 'string'
  ) {
    throw new BadUserInputError(`"${argument}" is not a cursor returned by this API`, argument);
  }
  if (parsed[0] !== expectedSort) {
    throw new BadUserInputError(`"${argument}" was issued for sort ${parsed[0]}, not ${expectedSort}`, argument);
  }
  return { sort: parsed[0], key: parsed[1], id: parsed[2] };
}
