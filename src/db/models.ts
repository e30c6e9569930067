/**
 * The shapes the db layer hands to resolvers (the codegen mappers). Neo4j values are converted here,
 * at the boundary: integers are plain numbers (driver option), lists are arrays, absent is `null`.
 */

import { entityKindOf, type EntityKindName } from '../domain/graphModel';

export { ENTITY_LABELS, type EntityKindName, type EntityLabel } from '../domain/graphModel';

export type Properties = Readonly<Record<string, unknown>>;

/** A domain node (`:Entity`) of any kind. */
export interface EntityRecord {
  readonly __typename: 'Entity';
  readonly id: string;
  readonly kind: EntityKindName;
  readonly props: Properties;
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
}

export type NodeRecord = EntityRecord | SourceRecord | FigureRecord;

/** A relationship between two entities, with its properties; `from`/`to` follow the stored direction. */
export interface RelationRecord {
  readonly type: string;
  readonly from: EntityRecord;
  readonly to: EntityRecord;
  readonly props: Properties;
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
}

export function toSourceRecord(raw: RawNode): SourceRecord {
  const { props } = raw;
  return {
    __typename: 'Source',
    id: props.id,
    title: String(props.title),
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

export function toFigureRecord(raw: RawNode): FigureRecord {
  return { __typename: 'Figure', id: raw.props.id, props: raw.props };
}

export function toEntityRecord(raw: RawNode): EntityRecord {
  const kind = entityKindOf(raw.labels);
  if (!kind) throw new Error(`Node ${raw.props.id} has no entity label (labels: ${raw.labels.join(',')})`);
  return { __typename: 'Entity', id: raw.props.id, kind, props: raw.props };
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
  readonly stage: EntityRecord;
  readonly commodity: string;
  readonly year: number | null;
  readonly shares: readonly RelationRecord[];
  readonly hhi: number | null;
  readonly coveredPct: number;
}
