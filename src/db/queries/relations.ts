import type { RelationshipType } from '../../domain/graphModel';

/**
 * One relationship field of the API: which stored relationships, in which direction, to which kind of
 * node. Specs compile into branches of the per-level batch statement (see batch.ts).
 */
export interface RelationSpec {
  readonly types: readonly RelationshipType[];
  readonly direction: 'out' | 'in';
  /** Label of the node at the other end, or undefined for any. */
  readonly target?: string;
  /** Property of the other node to order by (fixed text). */
  readonly orderBy?: string;
}

export const RELATIONS = {
  depositElements: { types: ['CONTAINS'], direction: 'out', target: 'Element', orderBy: 'atomicNumber' },
  elementDeposits: { types: ['CONTAINS'], direction: 'in', target: 'Deposit' },
  elementUsedIn: { types: ['USED_IN'], direction: 'out', target: 'Product' },
  elementContainedIn: { types: ['CONTAINS'], direction: 'in', target: 'Product' },
  exportControlsOn: { types: ['RESTRICTS_EXPORT'], direction: 'in' },
  exportControlsBy: { types: ['RESTRICTS_EXPORT'], direction: 'out' },
  licencesOfDeposit: { types: ['HOLDS_LICENCE'], direction: 'in', target: 'Company' },
  licencesOfCompany: { types: ['HOLDS_LICENCE'], direction: 'out', target: 'Deposit' },
  locatedIn: { types: ['LOCATED_IN'], direction: 'out', target: 'Region' },
  feedsOut: { types: ['FEEDS', 'SUPPLIES'], direction: 'out' },
  feedsIn: { types: ['FEEDS', 'SUPPLIES'], direction: 'in' },
  regionParents: { types: ['PART_OF'], direction: 'out', target: 'Region' },
  regionChildren: { types: ['PART_OF'], direction: 'in', target: 'Region' },
  facilitiesHere: { types: ['LOCATED_IN'], direction: 'in', target: 'Facility' },
  depositsHere: { types: ['LOCATED_IN'], direction: 'in', target: 'Deposit' },
  figures: { types: ['HAS_FIGURE'], direction: 'out', target: 'Figure', orderBy: 'year' },
  sharesOfCountry: { types: ['HAS_SHARE'], direction: 'out' },
  sharesOfStage: { types: ['HAS_SHARE'], direction: 'in' },
  headquarters: { types: ['HEADQUARTERED_IN'], direction: 'out', target: 'Region' },
  parentCompanies: { types: ['SUBSIDIARY_OF'], direction: 'out', target: 'Company' },
  subsidiaries: { types: ['SUBSIDIARY_OF'], direction: 'in', target: 'Company' },
  ownedBy: { types: ['OWNS'], direction: 'in', target: 'Company' },
  holdings: { types: ['OWNS'], direction: 'out' },
  operates: { types: ['OPERATES'], direction: 'out', target: 'Facility' },
  operatedBy: { types: ['OPERATES'], direction: 'in', target: 'Company' },
  participatesIn: { types: ['PARTICIPATES_IN'], direction: 'out', target: 'Facility' },
  participants: { types: ['PARTICIPATES_IN'], direction: 'in', target: 'Company' },
  supplies: { types: ['SUPPLIES'], direction: 'out' },
  stages: { types: ['AT_STAGE'], direction: 'out', target: 'SupplyChainStage', orderBy: 'order' },
  atStage: { types: ['AT_STAGE'], direction: 'in', target: 'Facility' },
  produces: { types: ['PRODUCES'], direction: 'out', target: 'Product' },
  producedBy: { types: ['PRODUCES'], direction: 'in', target: 'Facility' },
  consumes: { types: ['CONSUMED_BY'], direction: 'in', target: 'Product' },
  consumedBy: { types: ['CONSUMED_BY'], direction: 'out', target: 'Facility' },
  partOf: { types: ['PART_OF'], direction: 'out', target: 'Facility' },
  parts: { types: ['PART_OF'], direction: 'in', target: 'Facility' },
  madeFrom: { types: ['USED_IN'], direction: 'in' },
  usedIn: { types: ['USED_IN'], direction: 'out', target: 'Product' },
  productElements: { types: ['CONTAINS'], direction: 'out', target: 'Element', orderBy: 'atomicNumber' },
  nextStage: { types: ['NEXT_STAGE'], direction: 'out', target: 'SupplyChainStage' },
  previousStage: { types: ['NEXT_STAGE'], direction: 'in', target: 'SupplyChainStage' },
} as const satisfies Record<string, RelationSpec>;

export type RelationName = keyof typeof RELATIONS;

export function isRelationName(name: string): name is RelationName {
  return Object.prototype.hasOwnProperty.call(RELATIONS, name);
}

/**
 * A condition on the relationships of a relation, with one parameter (`$value`): an argument of a
 * connection field that keeps some of its relation's rows (`SupplyChainStage.facilities(commodity:)`).
 * `where` is its Cypher, fixed text; `keeps` says the same of a row already read (the loaders' rows),
 * so a page cut from those rows and one read by a statement agree.
 */
export interface RelationFilterSpec {
  readonly relations: readonly RelationName[];
  readonly where: (r: string) => string;
  readonly keeps: (props: Readonly<Record<string, unknown>>, value: string) => boolean;
}

export const RELATION_FILTERS = {
  /** Facilities at a stage working on a commodity family: the AT_STAGE relationship's `commodities` hold it. */
  commodity: {
    relations: ['atStage'],
    where: (r) => `$value IN ${r}.commodities`,
    keeps: (props, value) => Array.isArray(props.commodities) && props.commodities.includes(value),
  },
} as const satisfies Record<string, RelationFilterSpec>;

export type RelationFilterName = keyof typeof RELATION_FILTERS;
/** A filter of a relation's rows and its value (a validated argument, sent as a parameter). */
export interface RelationFilter {
  readonly name: RelationFilterName;
  readonly value: string;
}

/** Upper bound on the items of one relationship list; the seed's largest has under 40. */
export const MAX_RELATED = 500;

/**
 * The ordered, capped match of one relation from the node `n`, binding the relationship `r` and the node
 * `m` at the other end. The per-level batch (batch.ts) and the request compiler (src/compiler) both use
 * it, so a relation answers the same rows in the same order whichever of them loads it.
 */
export function relationMatch(name: RelationName, n: string, r: string, m: string): string {
  return relationFirst(name, n, r, m, MAX_RELATED);
}

/**
 * The first `count` rows of one relation from `n` in the relation's order (`compareRelated` sorts the
 * same way): the capped match above, and the first page of a connection the request compiler folds
 * (src/compiler/cypher.ts). `count` is a validated integer, never a request's text.
 */
export function relationFirst(name: RelationName, n: string, r: string, m: string, count: number): string {
  if (!Number.isInteger(count) || count < 0 || count > MAX_RELATED) throw new Error(`relation row count out of range: ${count}`);
  return `${relationOrdered(name, n, r, m)}
LIMIT ${count}`;
}

/**
 * The rows of one relation from `n` at positions `$skip` to `$skip + $limit` in the relation's order
 * (of those `filter` keeps, when given): pages past the cap.
 */
export function relationSlice(name: RelationName, n: string, r: string, m: string, filter?: RelationFilterName): string {
  return `${relationOrdered(name, n, r, m, filter)}
SKIP $skip LIMIT $limit`;
}

function relationOrdered(name: RelationName, n: string, r: string, m: string, filter?: RelationFilterName): string {
  const spec: RelationSpec = RELATIONS[name];
  const order = spec.orderBy ? `${m}.${spec.orderBy}, ` : '';
  return `${relationPattern(name, n, r, m, filter)}
WITH ${r}, ${m} ORDER BY ${order}${m}.name, ${m}.id, ${r}.key`;
}

/** The MATCH of one relation from `n`, unordered; with `filter`, of the rows it keeps. */
export function relationPattern(name: RelationName, n: string, r: string, m: string, filter?: RelationFilterName): string {
  const spec: RelationSpec = RELATIONS[name];
  const types = spec.types.join('|');
  const arrow = spec.direction === 'out' ? `-[${r}:${types}]->` : `<-[${r}:${types}]-`;
  const target = spec.target ? `:${spec.target}` : '';
  const where = filter ? ` WHERE ${RELATION_FILTERS[filter].where(r)}` : '';
  return `MATCH (${n})${arrow}(${m}${target})${where}`;
}

/** The stored properties of the node at the other end that order a relation (see `compareRelated`). */
export function orderingProperties(name: RelationName): string[] {
  const spec: RelationSpec = RELATIONS[name];
  return spec.orderBy ? [spec.orderBy, 'name'] : ['name'];
}

/** Cypher's ascending order of property values: numbers by value, strings by UTF-16 code units, nulls last. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorts rows of a relation as `relationMatch` orders them (the other node's `orderBy`, its name, its
 * id, the relationship's key), for rows fetched without ORDER BY: sorting a handful of rows here is
 * cheaper than a sort per parent in the statement. Rows of the same node are ordered by their keys; a
 * compiled statement leaves the key out where nothing tells such rows apart (src/compiler/cypher.ts).
 */
export function compareRelated(name: RelationName) {
  const spec: RelationSpec = RELATIONS[name];
  return (a: { readonly props: Readonly<Record<string, unknown>>; readonly other: { readonly props: Readonly<Record<string, unknown>> } }, b: typeof a): number =>
    (spec.orderBy ? compareValues(a.other.props[spec.orderBy], b.other.props[spec.orderBy]) : 0) ||
    compareValues(a.other.props.name, b.other.props.name) ||
    compareValues(a.other.props.id, b.other.props.id) ||
    compareValues(a.props.key, b.props.key);
}
