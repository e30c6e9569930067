import type { EntityKind } from '../../client/generated/graphql';

/** How each kind of entity is drawn: colour and cytoscape shape (the legend is built from this too). */
export const KIND_STYLES: Readonly<Record<EntityKind, { readonly label: string; readonly color: string; readonly shape: string }>> = {
  DEPOSIT: { label: 'Deposit', color: '#8d6e63', shape: 'triangle' },
  FACILITY: { label: 'Facility', color: '#1e88e5', shape: 'round-rectangle' },
  PRODUCT: { label: 'Product', color: '#43a047', shape: 'ellipse' },
  ELEMENT: { label: 'Element', color: '#8e24aa', shape: 'star' },
  COMPANY: { label: 'Company', color: '#fb8c00', shape: 'diamond' },
  REGION: { label: 'Region', color: '#757575', shape: 'hexagon' },
  STAGE: { label: 'Stage', color: '#00897b', shape: 'octagon' },
};

/** Order of kinds within a column of the drawing: the supply chain's own order. */
export const KIND_ORDER: readonly EntityKind[] = ['REGION', 'COMPANY', 'ELEMENT', 'DEPOSIT', 'FACILITY', 'PRODUCT', 'STAGE'];
