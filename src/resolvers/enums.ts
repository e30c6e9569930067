import type { Confidence, LinkStatus, LinkType, ReeClass, Status } from '../generated/graphql';
import { enumWord } from '../domain/words';
import { isOneOf } from '../domain/guards';

/**
 * Typed decoders from the stored lower-case words (`under-construction`) to the GraphQL enum values
 * (`UNDER_CONSTRUCTION`): one per enum, each listing the enum's values (checked against the generated type
 * both ways: a value missing from a list or not in the enum is a compile error). A stored word outside the
 * enum is a data error and fails the field, as the enum's serializer would.
 */

/** No constraint when `V` lists every member of `T`; otherwise a type naming the missing members, which `V` cannot satisfy. */
type Complete<T extends string, V extends readonly T[]> = [Exclude<T, V[number]>] extends [never] ? unknown : { readonly missing: Exclude<T, V[number]> };

export interface EnumDecoder<T extends string> {
  readonly values: readonly T[];
  /** Whether `value` is one of the enum's values. */
  readonly is: (value: unknown) => value is T;
  /** An enum value (or a relationship type, which is stored as one) as the enum's type. */
  readonly parse: (value: unknown) => T;
  /** A stored word as the enum value; `fallback` when there is none (absent, empty, not text). */
  readonly decode: (stored: unknown, fallback: T) => T;
  /** A stored word as the enum value; null when absent. */
  readonly decodeOptional: (stored: unknown) => T | null;
}

/** The decoder of the GraphQL enum `T` (named `name` in errors) whose values are `values`. */
function enumDecoder<T extends string>(name: string) {
  return <const V extends readonly T[]>(values: V & Complete<T, V>): EnumDecoder<T> => {
    const is = isOneOf<T>(values);
    const parse = (value: unknown): T => {
      if (is(value)) return value;
      throw new Error(`${JSON.stringify(value)} is not a value of the enum ${name}`);
    };
    return {
      values,
      is,
      parse,
      decode: (stored, fallback) => (typeof stored === 'string' && stored.length > 0 ? parse(enumWord(stored)) : fallback),
      decodeOptional: (stored) => (stored === null || stored === undefined ? null : parse(enumWord(String(stored)))),
    };
  };
}

export const CONFIDENCE = enumDecoder<Confidence>('Confidence')(['STATED', 'INFERRED', 'UNCONFIRMED']);

export const STATUS = enumDecoder<Status>('Status')([
  'OPERATING',
  'UNDER_CONSTRUCTION',
  'PLANNED',
  'PILOT',
  'LICENSED',
  'EXPLORATION',
  'UNDEVELOPED',
  'SUSPENDED',
  'HISTORICAL',
]);

export const LINK_STATUS = enumDecoder<LinkStatus>('LinkStatus')(['OPERATING', 'PLANNED', 'PILOT', 'HISTORICAL', 'SUSPENDED']);

export const REE_CLASS = enumDecoder<ReeClass>('ReeClass')(['LIGHT', 'HEAVY', 'NEITHER']);

export const LINK_TYPE = enumDecoder<LinkType>('LinkType')([
  'FEEDS',
  'SUPPLIES',
  'PRODUCES',
  'CONSUMED_BY',
  'USED_IN',
  'CONTAINS',
  'LOCATED_IN',
  'PART_OF',
  'OPERATES',
  'OWNS',
  'HOLDS_LICENCE',
  'EXPORTS_TO',
]);
