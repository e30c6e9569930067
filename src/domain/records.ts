import { z } from 'zod';
import { BadUserInputError } from '../errors';
import type { NodeLabel, RelationshipType } from './graphModel';
import { isRecord, isStringArray } from './guards';
import { COMMODITIES } from './materials';

/*
 * The seed record format: the zod schema of every record (the seed, the bulk import and the mutations
 * all validate with these) and the conversion between a record and the properties it is stored as.
 */

/**
 * One record of a seed or import file, with where it came from for error messages: `index` is the
 * record number (from 1) in its file; `line` is the line it starts on, for CSV files.
 */
export interface SeedRecord<T> {
  readonly file: string;
  readonly index: number;
  readonly line?: number;
  readonly data: T;
}

/** Ids of entities, figures and sources: stable, URL-safe. The one id rule of every write path. */
export const ID_SCHEMA = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'an id of lower-case letters, digits, dots and dashes').max(200, 'at most 200 characters');

/** Ids as lookups accept them (`node(id:)`, traversal starts): non-empty and bounded; an unknown id is simply not found. */
export const LOOKUP_ID_SCHEMA = z.string().min(1).max(200);

/** An id argument of a read, checked by LOOKUP_ID_SCHEMA; BAD_USER_INPUT naming the argument otherwise. */
export function lookupId(id: string, argument: string): string {
  if (!LOOKUP_ID_SCHEMA.safeParse(id).success) throw new BadUserInputError(`"${argument}" must be a non-empty id of at most 200 characters`, argument);
  return id;
}
const year = z.number().int().min(1800, 'a year from 1800').max(2100, 'a year up to 2100');
const primitive = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const sources = z.array(z.string().min(1)).min(1, 'at least one source');
const confidence = z.enum(['stated', 'inferred', 'unconfirmed']);
const status = z.enum(['operating', 'under-construction', 'planned', 'pilot', 'licensed', 'exploration', 'undeveloped', 'suspended', 'historical']);

/** Status of a link; export controls keep the wording of the measure ("in force", "suspended for one year"). */
export const LINK_STATUSES: readonly string[] = ['operating', 'planned', 'pilot', 'historical', 'suspended'];

const entity = z.object({
  id: ID_SCHEMA,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  description: z.string().optional(),
  confidence: confidence.default('stated'),
  details: z.record(z.string(), z.union([primitive, z.array(primitive)])).optional(),
  /** Ids this entity had before it was renamed or merged: `node(id:)` and traversals still answer them. */
  formerIds: z.array(ID_SCHEMA).min(1).optional(),
  sources,
});

/** The record schema of each node label: the seed, the bulk import and the mutations all validate with these. */
export const NODE_SCHEMAS = {
  Element: entity.extend({
    symbol: z.string().regex(/^[A-Z][a-z]?$/, 'a chemical symbol'),
    atomicNumber: z.number().int().min(1).max(118),
    group: z.string().min(1),
    reeClass: z.enum(['light', 'heavy', 'neither']).optional(),
    magnetInput: z.boolean().default(false),
  }),
  Deposit: entity.extend({ commodity: z.string().min(1), status, statusNote: z.string().optional() }),
  Region: entity.extend({
    kind: z.string().min(1),
    regime: z.string().optional(),
    /** How well the regime is supported, apart from the region itself: the seed text alone maps regimes to sites. */
    regimeConfidence: confidence.optional(),
  }),
  Company: entity.extend({ kind: z.string().min(1) }),
  Facility: entity.extend({
    kind: z.string().min(1),
    status,
    statusNote: z.string().optional(),
    startYear: year.optional(),
    /** The year of full capacity, apart from the first operation (`startYear`). */
    fullCapacityYear: year.optional(),
    endYear: year.optional(),
    capacity: z.object({ value: z.number().positive(), unit: z.string().min(1) }).optional(),
  }),
  Product: entity.extend({ kind: z.string().min(1) }),
  SupplyChainStage: entity.extend({ order: z.number().int().min(1) }),
  Figure: z.object({ id: ID_SCHEMA, metric: z.string().min(1), value: z.number(), unit: z.string().min(1), year: year.optional(), basis: z.string().optional(), confidence: confidence.default('stated'), sources }),
} satisfies Record<NodeLabel, z.ZodType>;

/** The record schema of a relationship (of any type; endpoint kinds are checked against graphModel). */
export const RELATIONSHIP_SCHEMA = z
  .object({
    from: ID_SCHEMA,
    to: ID_SCHEMA,
    confidence: confidence.default('stated'),
    inferredFrom: z.string().optional(),
    status: z.string().min(1).optional(),
    startYear: year.optional(),
    endYear: year.optional(),
    year: year.optional(),
    /** The product a flow carries (a Product id; rule `flow-product`). */
    product: ID_SCHEMA.optional(),
    /** A production's bill of materials: one entry per required input, alternatives joined by `|`. */
    requires: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*(\|[a-z0-9][a-z0-9.-]*)*$/, 'ids joined by "|"')).optional(),
    /** AT_STAGE: the commodity families the entity works on at the stage. */
    commodities: z.array(z.enum(COMMODITIES)).min(1).optional(),
    sources,
  })
  .catchall(primitive)
  .refine((r) => r.confidence !== 'inferred' || r.inferredFrom, { message: 'an inferred relationship needs inferredFrom', path: ['inferredFrom'] })
  .refine((r) => r.startYear === undefined || r.endYear === undefined || r.startYear <= r.endYear, { message: 'startYear after endYear', path: ['endYear'] });

/** A source: the one rule for the seed, the bulk import and the mutations. */
export const SourceSchema = z.object({
  id: ID_SCHEMA,
  title: z.string().min(1),
  publisher: z.string().nullable().optional(),
  date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'expected YYYY, YYYY-MM or YYYY-MM-DD').nullable().optional(),
  dateNote: z.string().min(1).nullable().optional(),
  url: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL').nullable().optional(),
});

export type SourceData = z.infer<typeof SourceSchema>;
export type NodeData = { label: NodeLabel; id: string; props: Record<string, unknown>; sources: string[] };
export type RelationshipData = { type: RelationshipType; from: string; to: string; key: string; props: Record<string, unknown>; sources: string[] };

/** The raw content of the seed folder: what each file holds, before validation. */
export interface RawSeed {
  readonly sources: readonly SeedRecord<unknown>[];
  /** `file` names the group in problems about the group as a whole (an unknown label), even when empty. */
  readonly nodes: readonly { readonly label: string; readonly file?: string; readonly records: readonly SeedRecord<unknown>[] }[];
  readonly relationships: readonly { readonly type: string; readonly file?: string; readonly records: readonly SeedRecord<unknown>[] }[];
}

export interface ValidSeed {
  readonly sources: SourceData[];
  readonly nodes: NodeData[];
  readonly relationships: RelationshipData[];
}

/** A record of any node label as its schema in NODE_SCHEMAS parses it (each label's `z.infer` type is one). */
export type ParsedNodeRecord = {
  readonly aliases?: readonly string[];
  readonly capacity?: { readonly value: number; readonly unit: string };
  readonly details?: Readonly<Record<string, unknown>>;
  readonly symbol?: string;
  readonly [field: string]: unknown;
};

/** Flattens an entity record into stored properties (capacity and details become primitive properties). */
export function toStoredProps(label: NodeLabel, data: ParsedNodeRecord): Record<string, unknown> {
  const { sources: _sources, capacity, details, aliases, ...rest } = data;
  const props: Record<string, unknown> = { ...rest };
  if (label !== 'Figure') {
    const names = aliases ?? [];
    props.aliases = names;
    props.aliasesText = names.join(' | ');
    props.detailsJson = JSON.stringify(details ?? {});
  }
  if (label === 'Element') props.symbolUpper = String(data.symbol).toUpperCase();
  if (capacity) {
    props.capacityValue = capacity.value;
    props.capacityUnit = capacity.unit;
  }
  return props;
}

/** A record's field as its stored properties (see toStoredProps), where they differ. */
export const STORED_AS: Readonly<Record<string, readonly string[]>> = {
  sources: ['sourceIds'],
  details: ['detailsJson'],
  capacity: ['capacityValue', 'capacityUnit'],
  regimeConfidence: ['regime', 'regimeConfidence'],
};

const requiredFields = (schema: z.ZodObject): string[] =>
  Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .flatMap(([name]) => STORED_AS[name] ?? [name]);

/** The stored properties every node of a label has (its schema requires them), sorted. */
export const REQUIRED_STORED: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries({ ...NODE_SCHEMAS, Source: SourceSchema }).map(([label, schema]) => [label, requiredFields(schema as z.ZodObject).sort()]),
);

/** Stored properties `fromStoredProps` reads into other fields, or drops (derived for indexes). */
const DERIVED_PROPERTIES = new Set(['aliasesText', 'symbolUpper', 'detailsJson', 'capacityValue', 'capacityUnit', 'sourceIds']);

/** The inverse of `toStoredProps`: a node's stored properties back as a record in the seed format. */
export function fromStoredProps(label: NodeLabel, props: Readonly<Record<string, unknown>>): Record<string, unknown> & { sources: string[] } {
  const { detailsJson, capacityValue, capacityUnit, sourceIds } = props;
  const record: Record<string, unknown> & { sources: string[] } = { sources: isStringArray(sourceIds) ? [...sourceIds] : [] };
  for (const key in props) {
    // Neo4j stores no nulls: a null is a property a map projection (`n {.statusNote}`) asked for and the node does not have.
    if (!DERIVED_PROPERTIES.has(key) && props[key] !== null) record[key] = props[key];
  }
  if (label !== 'Figure' && typeof detailsJson === 'string') {
    const details: unknown = JSON.parse(detailsJson);
    if (isRecord(details) && Object.keys(details).length > 0) record.details = details;
  }
  if (typeof capacityValue === 'number' && typeof capacityUnit === 'string') record.capacity = { value: capacityValue, unit: capacityUnit };
  return record;
}

/**
 * The stable key of the first relationship of a type between two ids (`FEEDS:dep-a->fac-b`); further ones
 * between the same ids get `#2`, `#3`, … in the seed. Relationships are MERGEd on it, so a rerun or a
 * repeated `connect` updates instead of duplicating.
 */
export function linkKey(type: string, from: string, to: string): string {
  return `${type}:${from}->${to}`;
}
