/**
 * Enumerations are stored as lower-case words (`under-construction`) and exposed in GraphQL as enum
 * values (`UNDER_CONSTRUCTION`). These two functions are the only conversion between the forms.
 */

/** GraphQL enum value → stored word: `UNDER_CONSTRUCTION` → `under-construction`. */
export function storedWord(enumValue: string): string {
  return enumValue.toLowerCase().replace(/_/g, '-');
}

/** Stored word → GraphQL enum value: `under-construction` → `UNDER_CONSTRUCTION`. */
export function enumWord(stored: string): string {
  return stored.toUpperCase().replace(/-/g, '_');
}
