/**
 * The shapes the db layer hands to resolvers (the codegen mappers). Neo4j values are converted here,
 * at the boundary: integers are plain numbers (driver option), lists are arrays, absent is `null`.
 * Entities and figures are decoded with the domain model's schemas (NODE_SCHEMAS over fromStoredProps),
 * so a `Facility` parent is a `FacilityModel` whose `data` is a parsed facility record.
 */

import type { z } from 'zod';
import { ENTITY_LABELS, entityKindOf, type EntityKindName, type NodeLabel } from '../domain/graphModel';
import { NODE_SCHEMAS, fromStoredProps } from '../domain/records';

export { ENTITY_LABELS, type EntityKindName, type EntityLabel } from '../domain/graphModel';

export type Properties = Readonly<Record<string, unknown>>;

/** The parsed record of a node label, as NODE_SCHEMAS defines it. */
export type NodeData<L extends keyof typeof NODE_SCHEMAS> = z.infer<(typeof NODE_SCHEMAS)[L]>;

/** A domain node (`:Entity`) of kind `K`: its stored properties (`props`) and its record as the domain model parses it (`data`). */
interface EntityModel<K extends EntityKindName> {
  readonly __typename: 'Entity';
  readonly id: string;
  readonly kind: K;
  readonly props: Properties;
  readonly data: NodeData<(typeof ENTITY_LABELS)[K]>;
}

export type ElementModel = EntityModel<'ELEMENT'>;
export type DepositModel = EntityModel<'DEPOSIT'>;
export type RegionModel = EntityModel<'REGION'>;
export type CompanyModel = EntityModel<'COMPANY'>;
export type FacilityModel = EntityModel<'FACILITY'>;
export type ProductModel = EntityModel<'PRODUCT'>;
export type SupplyChainStageModel = EntityModel<'STAGE'>;

/** A domain node (`:Entity`) of any kind: the union of the per-kind models, discriminated on `kind`. */
export type EntityRecord = ElementModel | DepositModel | RegionModel | CompanyModel | FacilityModel | ProductModel | SupplyChainStageModel;

/** The model of the entity kind `K`. */
export type ModelOf<K extends EntityKindName> = Extract<EntityRecord, { readonly kind: K }>;

/** A guard for the entities of one kind (to narrow what a relation returns to the type of its field). */
export function ofKind<K extends EntityKindName>(kind: K): (entity: EntityRecord) => entity is ModelOf<K> {
  return (entity: EntityRecord): entity is ModelOf<K> => entity.kind === kind;
}

/**
 * The entity narrowed to the kind its field returns; an entity of another kind is a broken invariant
 * (the relation specs and queries select the label), never the client's fault.
 */
export function expectKind<K extends EntityKindName>(kind: K, entity: EntityRecord): ModelOf<K> {
  if (ofKind(kind)(entity)) return entity;
  throw new Error(`Entity ${entity.id} is a ${entity.kind}, expected a ${kind}`);
}

export interface SourceRecord {
  readonly __typename: 'Source';
  readonly id: string;
  readonly title: string;
  readonly publisher: string | null;
  readonly date: string | null;
  readonly dateNote: string | null;
  readonly url: string | null;
}

export interface FigureRecord {
  readonly __typename: 'Figure';
  readonly id: string;
  readonly props: Properties;
  readonly data: NodeData<'Figure'>;
}

export type NodeRecord = EntityRecord | SourceRecord | FigureRecord;

/** A relationship between two entities, with its properties; `from`/`to` follow the stored direction. */
export interface RelationRecord {
  readonly type: string;
  readonly from: EntityRecord;
  readonly to: EntityRecord;
  readonly props: Properties;
  /** The nodes it names by id (a flow's product, a bill's entries) where they came with it (RelatedRow.named). */
  readonly named?: ReadonlyMap<string, NodeRecord> | undefined;
}

export interface SearchHitRecord {
  readonly entity: EntityRecord;
  readonly score: number;
}

export interface PageEdgeRecord {
  readonly cursor: string;
  readonly node: EntityRecord;
}

/** A page of a root list; `countTotal` runs the count query only when `totalCount` is selected. */
export interface ConnectionRecord {
  readonly edges: readonly PageEdgeRecord[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
  readonly countTotal: () => Promise<number>;
}

/** The raw node as Cypher returns it with `{labels: labels(n), props: properties(n)}` (see rows.ts). */
export interface RawNode {
  readonly labels: readonly string[];
  readonly props: Properties & { readonly id: string };
  /**
   * A node a compiled statement projected (src/compiler): its root node (db/fold.ts) or a node at a
   * row's other end (src/compiler/prime.ts). Its `props` are its id and those its selected fields read,
   * not every property its schema requires, so it is decoded with PROJECTION_SCHEMAS.
   */
  readonly projected?: boolean;
}

export function toSourceRecord(raw: RawNode): SourceRecord {
  const { props } = raw;
  return {
    __typename: 'Source',
    id: props.id,
    // Absent only from a projection that does not read it (src/compiler).
    title: String(props.title ?? ''),
    publisher: optionalString(props.publisher),
    date: optionalString(props.date),
    dateNote: optionalString(props.dateNote),
    url: optionalString(props.url),
  };
}

export function toNodeRecord(raw: RawNode): NodeRecord {
  if (raw.labels.includes('Source')) return toSourceRecord(raw);
  if (raw.labels.includes('Figure')) return toFigureRecord(raw);
  return toEntityRecord(raw);
}

/** A decoder of each node label's stored properties: the record its schema parses. */
type LabelDecoders = { readonly [L in keyof typeof NODE_SCHEMAS]: { parse(record: unknown): NodeData<L> } };

/**
 * Decoders of projected nodes (RawNode.projected): each label's schema with every field optional. A
 * present field is checked as strictly as in NODE_SCHEMAS; an absent one is one the selection does not
 * read (the compiler projects what each field reads: src/compiler/properties.ts, checked field by field
 * in test/integration/compiler.int.test.ts). Resolvers read only the fields of their own selection, so
 * the record's type, that of a whole node, holds for every field they read.
 */
const PROJECTION_SCHEMAS = Object.fromEntries(
  Object.entries(NODE_SCHEMAS).map(([label, schema]) => [label, schema.partial()]),
) as unknown as LabelDecoders;

const schemasOf = (raw: RawNode): LabelDecoders => (raw.projected ? PROJECTION_SCHEMAS : NODE_SCHEMAS);

/** A node's stored properties as a record of its label (fromStoredProps); a projection without `sourceIds` has no `sources`. */
function recordOf(label: NodeLabel, raw: RawNode): Record<string, unknown> {
  const record = fromStoredProps(label, raw.props);
  if (!raw.projected || raw.props.sourceIds !== undefined) return record;
  const { sources: _unread, ...rest } = record;
  return rest;
}

export function toFigureRecord(raw: RawNode): FigureRecord {
  const known = decoded.get(raw);
  if (known?.__typename === 'Figure') return known;
  const figure: FigureRecord = { __typename: 'Figure', id: raw.props.id, props: raw.props, data: schemasOf(raw).Figure.parse(recordOf('Figure', raw)) };
  decoded.set(raw, figure);
  return figure;
}

/** Decodes the stored properties of an entity of each kind with its label's schema (whole, or as a projection). */
const ENTITY_DECODERS: { readonly [K in EntityKindName]: (raw: RawNode) => ModelOf<K> } = {
  ELEMENT: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'ELEMENT', props: raw.props, data: schemasOf(raw).Element.parse(recordOf('Element', raw)) }),
  DEPOSIT: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'DEPOSIT', props: raw.props, data: schemasOf(raw).Deposit.parse(recordOf('Deposit', raw)) }),
  REGION: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'REGION', props: raw.props, data: schemasOf(raw).Region.parse(recordOf('Region', raw)) }),
  COMPANY: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'COMPANY', props: raw.props, data: schemasOf(raw).Company.parse(recordOf('Company', raw)) }),
  FACILITY: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'FACILITY', props: raw.props, data: schemasOf(raw).Facility.parse(recordOf('Facility', raw)) }),
  PRODUCT: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'PRODUCT', props: raw.props, data: schemasOf(raw).Product.parse(recordOf('Product', raw)) }),
  STAGE: (raw) => ({ __typename: 'Entity', id: raw.props.id, kind: 'STAGE', props: raw.props, data: schemasOf(raw).SupplyChainStage.parse(recordOf('SupplyChainStage', raw)) }),
};

/**
 * The record a raw node decoded to, kept on the node itself: a relation's parent node is one object
 * shared by all its rows, and a compiled statement's node is decoded once for what it fetched
 * (src/compiler/prime.ts) and once more by its resolver, which must find what was handed to that
 * record. A symbol-keyed slot, not a WeakMap: an entry of a WeakMap cost ~1 µs per node and weighs on
 * every garbage collection (an ephemeron), for the ~100 nodes of a frontend request; the slot costs an
 * assignment. JSON, `Object.keys` and `Object.entries` do not see it; a spread copy would carry it, and
 * the one spread of a raw node (db/fold.ts `asProjection`) runs before the node is decoded.
 */
const DECODED = Symbol('decoded');
interface Decoded {
  [DECODED]?: EntityRecord | FigureRecord;
}
const decoded = {
  get: (raw: RawNode): EntityRecord | FigureRecord | undefined => (raw as Decoded)[DECODED],
  set: (raw: RawNode, record: EntityRecord | FigureRecord): void => {
    (raw as Decoded)[DECODED] = record;
  },
};

/** Records that `raw` decodes to `entity` (a node whose model was built first, such as a page's node). */
export function rememberDecoded(raw: RawNode, entity: EntityRecord): void {
  decoded.set(raw, entity);
}

/**
 * An entity's model: its kind from its labels, its record parsed with the kind's schema. Stored data
 * that breaks the model throws (a DecodeError naming the statement when it runs in a row decoder).
 */
export function toEntityRecord(raw: RawNode): EntityRecord {
  const known = decoded.get(raw);
  if (known?.__typename === 'Entity') return known;
  const kind = entityKindOf(raw.labels);
  if (!kind) throw new Error(`Node ${raw.props.id} has no entity label (labels: ${raw.labels.join(',')})`);
  const entity = ENTITY_DECODERS[kind](raw);
  decoded.set(raw, entity);
  return entity;
}

export function optionalString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A text property every node of its kind has: the stored string (any other value as `String()` renders it). */
export function stringProp(props: Properties, key: string): string {
  const value = props[key];
  return typeof value === 'string' ? value : String(value);
}

/** A number property every node of its kind has: the stored number (any other value as `Number()` converts it). */
export function numberProp(props: Properties, key: string): number {
  const value = props[key];
  return typeof value === 'number' ? value : Number(value);
}

export function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A chain of links; `nodes` has one more element than `links`. */
export interface PathRecord {
  readonly nodes: readonly EntityRecord[];
  readonly links: readonly RelationRecord[];
}

export interface DependencyRecord {
  readonly entity: EntityRecord;
  readonly hops: number;
  readonly path: PathRecord;
}

export interface ImpactedRecord extends DependencyRecord {
  /** A facility that loses every output, or a product that loses every maker. */
  readonly stops: boolean;
  /** Products the facility can no longer make. */
  readonly lostOutputs: readonly EntityRecord[];
  /** Inputs it no longer receives: products, or a disrupted deposit's ore. */
  readonly lostInputs: readonly EntityRecord[];
  /** Facilities outside the disruption that make a lost input. */
  readonly alternatives: readonly EntityRecord[];
  readonly stage: string | null;
  readonly country: string | null;
}

export interface ImpactCountRecord {
  readonly key: string;
  readonly count: number;
  readonly fullyExposed: number;
}

export interface ImpactRecord {
  readonly disrupted: readonly EntityRecord[];
  readonly affected: readonly ImpactedRecord[];
  readonly byKind: readonly ImpactCountRecord[];
  readonly byStage: readonly ImpactCountRecord[];
  readonly byCountry: readonly ImpactCountRecord[];
}

export interface ShareBreakdownRecord {
  readonly stage: SupplyChainStageModel;
  readonly commodity: string;
  readonly year: number | null;
  readonly shares: readonly RelationRecord[];
  readonly hhi: number | null;
  readonly coveredPct: number;
}
