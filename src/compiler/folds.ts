import type { RelationName } from '../db/queries/relations';

/**
 * Which GraphQL fields the request compiler folds into a root field's statement, and how. Each entry
 * names the relation (src/db/queries/relations.ts) its resolver loads, so the rows the compiled
 * statement attaches are exactly the rows the resolver asks its loader for. A field that is not listed
 * (traversals, capacity, audit) is resolved by its resolver; `dependents` and `dependencies` fold their
 * entities' selection into their own statement (src/db/traversal.ts), the others use the per-level loaders.
 * test/integration/compiler.int.test.ts checks every entry: each folded field costs no round trip of
 * its own and answers the same as without the compiler.
 */
export type Fold =
  /** An entity or a list of entities at the other end of the relations (tried in order by the resolver). */
  | { readonly kind: 'nodes'; readonly relations: readonly RelationName[] }
  /**
   * A connection over the relation, cut into pages by the resolver: the nodes are under `edges.node`.
   * `first`: the resolver pages the relation's rows as the relation orders them, none left out
   * (`relatedPage` without a filter), so a statement may fetch only the first page's rows when that is
   * all the request reads (plan.ts `rows`); a filtered connection needs all the rows.
   */
  | { readonly kind: 'page'; readonly relations: readonly RelationName[]; readonly first: boolean }
  /** Relationship records (a type of LINK_ENDS) of the relation. */
  | { readonly kind: 'links'; readonly relations: readonly RelationName[] };

const nodes = (...relations: RelationName[]): Fold => ({ kind: 'nodes', relations });
const page = (...relations: RelationName[]): Fold => ({ kind: 'page', relations, first: true });
/** A connection whose resolver filters the relation's rows before it pages them. */
const filteredPage = (...relations: RelationName[]): Fold => ({ kind: 'page', relations, first: false });
const links = (...relations: RelationName[]): Fold => ({ kind: 'links', relations });

/** Folded fields by GraphQL type; `sources` of every node and link is folded too (see plan.ts). */
export const FOLDS: Readonly<Record<string, Readonly<Record<string, Fold>>>> = {
  Element: {
    deposits: links('elementDeposits'),
    usedIn: page('elementUsedIn'),
    containedIn: page('elementContainedIn'),
    exportControls: links('exportControlsOn'),
  },
  Deposit: {
    holder: nodes('licencesOfDeposit'),
    licences: links('licencesOfDeposit'),
    region: nodes('locatedIn'),
    elements: links('depositElements'),
    feeds: links('feedsOut'),
  },
  Region: {
    parent: nodes('regionParents'),
    parents: nodes('regionParents'),
    children: page('regionChildren'),
    facilities: page('facilitiesHere'),
    deposits: page('depositsHere'),
    figures: nodes('figures'),
    shares: links('sharesOfCountry'),
    exportControls: links('exportControlsBy'),
  },
  Company: {
    country: nodes('headquarters'),
    owner: nodes('parentCompanies', 'ownedBy'),
    owners: links('ownedBy'),
    holdings: links('holdings'),
    subsidiaries: page('subsidiaries'),
    facilities: page('operates'),
    licences: links('licencesOfCompany'),
    participatesIn: page('participatesIn'),
    supplies: links('supplies'),
  },
  Facility: {
    stage: nodes('stages'),
    stages: nodes('stages'),
    commodities: nodes('stages'),
    operator: nodes('operatedBy'),
    operators: nodes('operatedBy'),
    participants: nodes('participants'),
    region: nodes('locatedIn'),
    inputs: links('feedsIn'),
    outputs: links('feedsOut'),
    products: links('produces'),
    consumes: nodes('consumes'),
    partOf: nodes('partOf'),
    parts: nodes('parts'),
  },
  Product: {
    stage: nodes('stages'),
    madeFrom: nodes('madeFrom'),
    usedIn: page('usedIn'),
    elements: nodes('productElements'),
    producedBy: links('producedBy'),
    consumedBy: page('consumedBy'),
  },
  SupplyChainStage: {
    next: nodes('nextStage'),
    previous: nodes('previousStage'),
    facilities: filteredPage('atStage'),
    shares: links('sharesOfStage'),
  },
};

/**
 * The fields of each relationship type that return its stored start and end node. Which of them is the
 * node at the other end depends on the relation's direction; the other names the parent itself.
 */
export const LINK_ENDS: Readonly<Record<string, { readonly start: string; readonly end: string }>> = {
  SupplyLink: { start: 'from', end: 'to' },
  ContainedElement: { start: 'deposit', end: 'element' },
  Licence: { start: 'holder', end: 'deposit' },
  Ownership: { start: 'owner', end: 'owned' },
  Production: { start: 'facility', end: 'product' },
  StageShare: { start: 'country', end: 'stage' },
  ExportControl: { start: 'country', end: 'target' },
};
