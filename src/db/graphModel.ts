/**
 * The allow-list of the stored graph: node labels and relationship types with the endpoints each may
 * join. Cypher text that names a label or a type is built only from these constants, never from input.
 */

export const NODE_LABELS = ['Element', 'Deposit', 'Region', 'Company', 'Facility', 'Product', 'SupplyChainStage', 'Figure'] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

type Endpoints = readonly (readonly [NodeLabel, NodeLabel | '*'])[];

export const RELATIONSHIP_TYPES = {
  FEEDS: [['Deposit', 'Facility'], ['Facility', 'Facility']],
  SUPPLIES: [['Facility', 'Facility'], ['Company', 'Company']],
  PRODUCES: [['Facility', 'Product']],
  // Stored in the direction material flows (product → the facility consuming it), so every flow
  // relationship points downstream and traversals can use directed patterns.
  CONSUMED_BY: [['Product', 'Facility']],
  USED_IN: [['Product', 'Product'], ['Element', 'Product']],
  CONTAINS: [['Deposit', 'Element'], ['Product', 'Element']],
  LOCATED_IN: [['Deposit', 'Region'], ['Facility', 'Region']],
  PART_OF: [['Region', 'Region'], ['Facility', 'Facility']],
  OPERATES: [['Company', 'Facility'], ['Company', 'Deposit']],
  OWNS: [['Company', 'Company'], ['Company', 'Deposit']],
  SUBSIDIARY_OF: [['Company', 'Company']],
  HOLDS_LICENCE: [['Company', 'Deposit']],
  EXPLORED: [['Company', 'Deposit']],
  PARTICIPATES_IN: [['Company', 'Facility']],
  HEADQUARTERED_IN: [['Company', 'Region']],
  AT_STAGE: [['Product', 'SupplyChainStage'], ['Facility', 'SupplyChainStage']],
  NEXT_STAGE: [['SupplyChainStage', 'SupplyChainStage']],
  HAS_SHARE: [['Region', 'SupplyChainStage']],
  RESTRICTS_EXPORT: [['Region', '*']],
  EXPORTS_TO: [['Facility', 'Region'], ['Region', 'Region']],
  HAS_FIGURE: [['Region', 'Figure']],
} as const satisfies Record<string, Endpoints>;
export type RelationshipType = keyof typeof RELATIONSHIP_TYPES;

export function isRelationshipType(name: string): name is RelationshipType {
  return Object.prototype.hasOwnProperty.call(RELATIONSHIP_TYPES, name);
}

export function isNodeLabel(name: string): name is NodeLabel {
  return (NODE_LABELS as readonly string[]).includes(name);
}

/** Schema statements, idempotent; run before any write. */
export const SCHEMA_STATEMENTS: readonly string[] = [
  'CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT figure_id IF NOT EXISTS FOR (n:Figure) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE',
  'CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at)',
  'CREATE INDEX element_symbol IF NOT EXISTS FOR (n:Element) ON (n.symbolUpper)',
  'CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)',
  'CREATE INDEX facility_start_year IF NOT EXISTS FOR (n:Facility) ON (n.startYear)',
  "CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliasesText] OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding' } }",
];
