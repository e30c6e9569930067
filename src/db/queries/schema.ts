import { z } from 'zod';
import type { NamedQuery, Query } from '../executor';
import { entityKindOf } from '../../domain/graphModel';
import { LIST_SPECS, everyNodeHas, type ListSpec } from './lists';

/** A constraint or index: its name in Neo4j and the statement creating it. */
export interface SchemaStatement extends NamedQuery {
  readonly schemaName: string;
  readonly kind: 'constraint' | 'index';
}

const LISTS: readonly ListSpec[] = Object.values(LIST_SPECS);

/**
 * Constraints and indexes, idempotent; created before any write (MERGE relies on the constraints).
 * Each is its own statement: Neo4j runs schema commands in transactions of their own.
 */
export const SCHEMA_STATEMENTS: readonly SchemaStatement[] = [
  'CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT figure_id IF NOT EXISTS FOR (n:Figure) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT redirect_id IF NOT EXISTS FOR (n:Redirect) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT audit_clock_id IF NOT EXISTS FOR (n:AuditClock) REQUIRE n.id IS UNIQUE',
  'CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at)',
  // The audit trail in commit order: `changes`, the follower behind subscriptions (db/queries/audit.ts).
  'CREATE INDEX change_seq IF NOT EXISTS FOR (n:Change) ON (n.seq)',
  'CREATE INDEX element_symbol IF NOT EXISTS FOR (n:Element) ON (n.symbolUpper)',
  'CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)',
  'CREATE INDEX facility_start_year IF NOT EXISTS FOR (n:Facility) ON (n.startYear)',
  // The root lists' default orders: a page reads the index in order and stops at its limit (lists.ts).
  ...['Element', 'Deposit', 'Region', 'Company', 'Facility', 'Product'].map((label) => `CREATE INDEX ${label.toLowerCase()}_name IF NOT EXISTS FOR (n:${label}) ON (n.name)`),
  'CREATE INDEX element_atomic_number IF NOT EXISTS FOR (n:Element) ON (n.atomicNumber)',
  'CREATE INDEX element_symbol_sort IF NOT EXISTS FOR (n:Element) ON (n.symbol)',
  'CREATE INDEX source_title IF NOT EXISTS FOR (n:Source) ON (n.title)',
  // The lists' orders on a property with few values (a status, a kind): the index holds `id`, the
  // order's tie-break, so a page reads it in (property, id) order and stops at its limit, and a page
  // after a cursor seeks its position, where an index on the property alone would make every node
  // with the same value be read and sorted (`facilities(sort: {field: STATUS})` on the 1M graph: 1.35
  // million db hits, 270 ms, against 277 and 8 ms).
  // The same for a property some nodes lack (a start year, a capacity): its index gives the nodes that
  // have it in order; those that lack it are read in the order of the label's `id` index (a range index
  // for an entity label, whose unique `id` index is on `Entity`), each tested (lists.ts).
  ...LISTS.flatMap((spec) =>
    Object.values(spec.sorts)
      .filter((sort) => sort.few || !everyNodeHas(spec, sort.property))
      .map(({ property }) => `CREATE INDEX ${spec.label.toLowerCase()}_${property}_id IF NOT EXISTS FOR (n:${spec.label}) ON (n.${property}, n.id)`),
  ),
  ...LISTS.filter((spec) => entityKindOf([spec.label]) && Object.values(spec.sorts).some((sort) => !everyNodeHas(spec, sort.property))).map(
    (spec) => `CREATE INDEX ${spec.label.toLowerCase()}_id IF NOT EXISTS FOR (n:${spec.label}) ON (n.id)`,
  ),
  // impact of a product: the flows that carry it, by index seek rather than a scan of every flow.
  'CREATE INDEX feeds_product IF NOT EXISTS FOR ()-[r:FEEDS]-() ON (r.product)',
  'CREATE INDEX supplies_product IF NOT EXISTS FOR ()-[r:SUPPLIES]-() ON (r.product)',
  "CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliasesText] OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding' } }",
].map((cypher) => {
  const [, kind, schemaName] = /(CONSTRAINT|INDEX) (\w+)/.exec(cypher) ?? [];
  if (!kind || !schemaName) throw new Error(`schema statement without a name: ${cypher}`);
  return { name: `schema.${schemaName}`, cypher, schemaName, kind: kind === 'CONSTRAINT' ? 'constraint' : 'index' };
});

/**
 * The indexes there are, by name, with the constraint each backs (a constraint's index bears its
 * name) and whether it is online. One read: on a store that has them all, start-up creates nothing.
 */
export const SCHEMA_PRESENT: Query<{ name: string; owningConstraint: string | null; online: boolean }> = {
  name: 'schema.present',
  row: z.object({ name: z.string(), owningConstraint: z.string().nullable(), online: z.boolean() }),
  cypher: "SHOW INDEXES YIELD name, owningConstraint, state RETURN name, owningConstraint, state = 'ONLINE' AS online",
};

/** Waits until every index is online (at most `$seconds`). */
export const AWAIT_INDEXES: NamedQuery = { name: 'schema.awaitIndexes', cypher: 'CALL db.awaitIndexes($seconds)' };
