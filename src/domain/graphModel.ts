/**
 * The allow-list of the stored graph: node labels, entity kinds, and relationship types with the
 * endpoints each may join. Cypher text that names a label or a type is built only from these constants,
 * never from input. Every rule about which kinds a relationship joins lives here (`mayJoin`).
 */

export const NODE_LABELS = ['Element', 'Deposit', 'Region', 'Company', 'Facility', 'Product', 'SupplyChainStage', 'Figure'] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

/** Entity kinds (the GraphQL `EntityKind` values) and the label each stores as, besides `Entity`. */
export const ENTITY_LABELS = {
  ELEMENT: 'Element',
  DEPOSIT: 'Deposit',
  REGION: 'Region',
  COMPANY: 'Company',
  FACILITY: 'Facility',
  PRODUCT: 'Product',
  STAGE: 'SupplyChainStage',
} as const satisfies Record<string, NodeLabel>;
export type EntityKindName = keyof typeof ENTITY_LABELS;
export type EntityLabel = (typeof ENTITY_LABELS)[EntityKindName];

/** Every entity kind, in the order of the table above. */
export const ENTITY_KIND_NAMES: readonly EntityKindName[] = Object.keys(ENTITY_LABELS).filter(isEntityKindName);

const KIND_BY_LABEL: ReadonlyMap<string, EntityKindName> = new Map(ENTITY_KIND_NAMES.map((kind) => [ENTITY_LABELS[kind], kind]));

export function isEntityKindName(name: string): name is EntityKindName {
  return Object.prototype.hasOwnProperty.call(ENTITY_LABELS, name);
}

/** The entity kind among a node's labels, or undefined when it is not an entity (a source, a figure). */
export function entityKindOf(labels: readonly string[]): EntityKindName | undefined {
  for (const label of labels) {
    const kind = KIND_BY_LABEL.get(label);
    if (kind) return kind;
  }
  return undefined;
}

/** `*` as an end: any entity (never a figure). */
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

/** Every relationship type, in the order of the table above. */
export const RELATIONSHIP_TYPE_NAMES: readonly RelationshipType[] = Object.keys(RELATIONSHIP_TYPES).filter(isRelationshipType);

/**
 * The relationship types traversals follow, all stored pointing downstream: named flows between
 * facilities (FEEDS, SUPPLIES), production (PRODUCES) and use (USED_IN). CONSUMED_BY states what a
 * facility takes in but not from whom: following it through a product would join every producer of
 * the product to every consumer, claiming supply relations that do not exist, so traversals use it
 * only where a question starts at the product or at an element it contains.
 */
export const FLOW_TYPES = ['FEEDS', 'SUPPLIES', 'PRODUCES', 'USED_IN'] as const satisfies readonly RelationshipType[];

export function isRelationshipType(name: string): name is RelationshipType {
  return Object.prototype.hasOwnProperty.call(RELATIONSHIP_TYPES, name);
}

export function isNodeLabel(name: string): name is NodeLabel {
  return NODE_LABELS.some((label) => label === name);
}

const endpointsOf = (type: RelationshipType): Endpoints => RELATIONSHIP_TYPES[type];

/** Whether a relationship of `type` may join a `from` node to a `to` node (`*` is any entity, never a figure). */
export function mayJoin(type: RelationshipType, from: NodeLabel, to: NodeLabel): boolean {
  return endpointsOf(type).some(([a, b]) => a === from && (b === '*' ? to !== 'Figure' : b === to));
}

/** The labels a node at one end (`start` or `end`) of a relationship of `type` may have (`*`: every entity label). */
export function endLabels(type: RelationshipType, end: 'start' | 'end'): NodeLabel[] {
  return endpointsOf(type).flatMap(([from, to]) => {
    const label = end === 'start' ? from : to;
    return label === '*' ? Object.values(ENTITY_LABELS) : [label];
  });
}

/** Whether `type` may start at a `from` node at all (to say which end of a refused link is wrong). */
export function mayStartAt(type: RelationshipType, from: NodeLabel): boolean {
  return endpointsOf(type).some(([a]) => a === from);
}
