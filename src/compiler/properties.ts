import type { z } from 'zod';
import { NODE_SCHEMAS, STORED_AS } from '../domain/records';

/**
 * Which stored properties a node's selected fields read, so a compiled statement projects those and
 * the node's id (`n {.id, .name}`) instead of every property, and the node is decoded as a projection
 * (src/db/models.ts): a field missing here would read nothing, so test/integration/compiler.int.test.ts
 * selects each field alone and compares the answer with the loaders'. A field the table does not know
 * projects everything (`null`), which is always correct.
 */

/** GraphQL fields whose resolvers read no stored property: the id, the labels, or their own statement. */
const NO_PROPERTIES = new Set(['__typename', 'id', 'entityKind', 'dependents', 'dependencies', 'impact']);

/** A source's fields beside its id: each reads the stored property of its name (toSourceRecord). */
const SOURCE_PROPERTIES = new Set(['title', 'publisher', 'date', 'dateNote', 'url']);

/**
 * The stored properties the field `field` of the node type `label` reads: `[]` for none, `null` when
 * the table cannot tell (then the node's every property is projected).
 */
export function propertiesOfField(label: string, field: string): readonly string[] | null {
  if (NO_PROPERTIES.has(field)) return [];
  if (label === 'Source') return SOURCE_PROPERTIES.has(field) ? [field] : null;
  const stored = STORED_AS[field];
  if (stored) return stored;
  const schema = (NODE_SCHEMAS as Record<string, z.ZodObject | undefined>)[label];
  return schema && Object.prototype.hasOwnProperty.call(schema.shape, field) ? [field] : null;
}

/**
 * Stored properties of a relationship that a field of its GraphQL type (LINK_ENDS) reads, where they
 * are not just the field's name (src/resolvers/edges.ts); a field returning an end node reads none.
 */
const LINK_FIELD_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  __typename: [],
  type: [],
  sources: ['sourceIds'],
  // A link without a stored status is historical when it has an end year (`linkStatus`).
  status: ['status', 'endYear'],
  // A flow's material is its own text, else its product's name.
  material: ['material', 'product'],
  capacity: ['capacityTPerYr'],
};

/**
 * The stored properties of a relationship a field of its type reads: `ends` are the fields that
 * return its start and end node. Every other field reads the property of its own name.
 */
export function propertiesOfLinkField(field: string, ends: { readonly start: string; readonly end: string }): readonly string[] {
  if (field === ends.start || field === ends.end) return [];
  return LINK_FIELD_PROPERTIES[field] ?? [field];
}

/**
 * Stored properties of a relationship that resolvers of the node at one end read (beside the fields of
 * its link type): a deposit's holder is chosen by its licences' confidence and start year, a
 * facility's commodities and a stage's facilities of a commodity by AT_STAGE's `commodities`.
 */
export const NODE_FIELD_RELATIONSHIP_PROPERTIES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Deposit: { holder: ['confidence', 'startYear'] },
  Facility: { commodities: ['commodities'] },
  SupplyChainStage: { facilities: ['commodities'] },
};
