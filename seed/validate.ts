import { z } from 'zod';
import { RELATIONSHIP_TYPES, isNodeLabel, isRelationshipType, type NodeLabel, type RelationshipType } from '../src/db/graphModel';

/** One record of a seed file, with where it came from for error messages. */
export interface SeedRecord<T> {
  readonly file: string;
  readonly index: number;
  readonly data: T;
}

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'an id of lower-case letters, digits, dots and dashes');
const year = z.number().int().min(1800, 'a year from 1800').max(2100, 'a year up to 2100');
const primitive = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const sources = z.array(z.string().min(1)).min(1, 'at least one source');
const confidence = z.enum(['stated', 'inferred', 'unconfirmed']);
const status = z.enum(['operating', 'under-construction', 'planned', 'pilot', 'licensed', 'exploration', 'undeveloped', 'suspended', 'historical']);

/** Status of a link; export controls keep the wording of the measure ("in force", "suspended for one year"). */
const LINK_STATUSES: readonly string[] = ['operating', 'planned', 'pilot', 'historical', 'suspended'];

const entity = z.object({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  description: z.string().optional(),
  confidence: confidence.default('stated'),
  details: z.record(z.string(), z.union([primitive, z.array(primitive)])).optional(),
  sources,
});

const NODE_SCHEMAS = {
  Element: entity.extend({
    symbol: z.string().regex(/^[A-Z][a-z]?$/, 'a chemical symbol'),
    atomicNumber: z.number().int().min(1).max(118),
    group: z.string().min(1),
    reeClass: z.enum(['light', 'heavy', 'neither']).optional(),
    magnetInput: z.boolean().default(false),
  }),
  Deposit: entity.extend({ commodity: z.string().min(1), status, statusNote: z.string().optional() }),
  Region: entity.extend({ kind: z.string().min(1), regime: z.string().optional() }),
  Company: entity.extend({ kind: z.string().min(1) }),
  Facility: entity.extend({
    kind: z.string().min(1),
    status,
    statusNote: z.string().optional(),
    startYear: year.optional(),
    endYear: year.optional(),
    capacity: z.object({ value: z.number().positive(), unit: z.string().min(1) }).optional(),
  }),
  Product: entity.extend({ kind: z.string().min(1) }),
  SupplyChainStage: entity.extend({ order: z.number().int().min(1) }),
  Figure: z.object({ id, metric: z.string().min(1), value: z.number(), unit: z.string().min(1), year: year.optional(), basis: z.string().optional(), sources }),
} satisfies Record<NodeLabel, z.ZodType>;

const relationship = z
  .object({
    from: id,
    to: id,
    confidence: confidence.default('stated'),
    inferredFrom: z.string().optional(),
    status: z.string().min(1).optional(),
    startYear: year.optional(),
    endYear: year.optional(),
    year: year.optional(),
    sources,
  })
  .catchall(primitive)
  .refine((r) => r.confidence !== 'inferred' || r.inferredFrom, { message: 'an inferred relationship needs inferredFrom', path: ['inferredFrom'] })
  .refine((r) => r.startYear === undefined || r.endYear === undefined || r.startYear <= r.endYear, { message: 'startYear after endYear', path: ['endYear'] });

export const SourceSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  publisher: z.string().nullable().optional(),
  date: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
});

export type SourceData = z.infer<typeof SourceSchema>;
export type NodeData = { label: NodeLabel; id: string; props: Record<string, unknown>; sources: string[] };
export type RelationshipData = { type: RelationshipType; from: string; to: string; key: string; props: Record<string, unknown>; sources: string[] };

/** The raw content of the seed folder: what each file holds, before validation. */
export interface RawSeed {
  readonly sources: SeedRecord<unknown>[];
  readonly nodes: { readonly label: string; readonly records: SeedRecord<unknown>[] }[];
  readonly relationships: { readonly type: string; readonly records: SeedRecord<unknown>[] }[];
}

export interface ValidSeed {
  readonly sources: SourceData[];
  readonly nodes: NodeData[];
  readonly relationships: RelationshipData[];
}

/** Every problem found in the seed, each naming file and record. Nothing has been written when it is thrown. */
export class SeedValidationError extends Error {
  override readonly name = 'SeedValidationError';
  constructor(readonly problems: readonly string[]) {
    super(`The seed is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.slice(0, 50).join('\n- ')}`);
  }
}

function where(record: SeedRecord<unknown>): string {
  const recordId = (record.data as { id?: unknown } | null)?.id;
  return `${record.file} record ${record.index}${typeof recordId === 'string' ? ` (${recordId})` : ''}`;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}

/** Flattens an entity record into stored properties (capacity and details become primitive properties). */
function toStoredProps(label: NodeLabel, data: Record<string, unknown>): Record<string, unknown> {
  const { sources: _sources, capacity, details, aliases, ...rest } = data;
  const props: Record<string, unknown> = { ...rest };
  if (label !== 'Figure') {
    const names = (aliases as string[] | undefined) ?? [];
    props.aliases = names;
    props.aliasesText = names.join(' | ');
    props.detailsJson = JSON.stringify(details ?? {});
  }
  if (label === 'Element') props.symbolUpper = String(data.symbol).toUpperCase();
  if (capacity && typeof capacity === 'object') {
    const c = capacity as { value: number; unit: string };
    props.capacityValue = c.value;
    props.capacityUnit = c.unit;
  }
  return props;
}

/**
 * Validates the whole seed before anything is written: record shapes, duplicate ids, unknown labels and
 * relationship types, endpoints of the wrong kind, dangling references and citations of unknown sources.
 */
export function validateSeed(raw: RawSeed): ValidSeed {
  const problems: string[] = [];
  const sources: SourceData[] = [];
  const sourceIds = new Set<string>();
  for (const record of raw.sources) {
    const parsed = SourceSchema.safeParse(record.data);
    if (!parsed.success) problems.push(`${where(record)}: ${describe(parsed.error)}`);
    else if (sourceIds.has(parsed.data.id)) problems.push(`${where(record)}: duplicate source id "${parsed.data.id}"`);
    else (sourceIds.add(parsed.data.id), sources.push(parsed.data));
  }
  const checkSources = (record: SeedRecord<unknown>, cited: readonly string[]): void => {
    for (const s of cited) if (!sourceIds.has(s)) problems.push(`${where(record)}: cites unknown source "${s}"`);
  };

  const nodes: NodeData[] = [];
  const labelOf = new Map<string, NodeLabel>();
  for (const file of raw.nodes) {
    if (!isNodeLabel(file.label)) {
      problems.push(`${file.records[0]?.file ?? file.label}: unknown node label "${file.label}"`);
      continue;
    }
    const label = file.label;
    for (const record of file.records) {
      const parsed = NODE_SCHEMAS[label].safeParse(record.data);
      if (!parsed.success) {
        problems.push(`${where(record)}: ${describe(parsed.error)}`);
        continue;
      }
      const data = parsed.data as Record<string, unknown> & { id: string; sources: string[] };
      if (labelOf.has(data.id)) problems.push(`${where(record)}: duplicate id "${data.id}"`);
      labelOf.set(data.id, label);
      checkSources(record, data.sources);
      nodes.push({ label, id: data.id, props: toStoredProps(label, data), sources: data.sources });
    }
  }

  const relationships: RelationshipData[] = [];
  const keys = new Map<string, number>();
  for (const file of raw.relationships) {
    if (!isRelationshipType(file.type)) {
      problems.push(`${file.records[0]?.file ?? file.type}: unknown relationship type "${file.type}"`);
      continue;
    }
    const type = file.type;
    for (const record of file.records) {
      const parsed = relationship.safeParse(record.data);
      if (!parsed.success) {
        problems.push(`${where(record)}: ${describe(parsed.error)}`);
        continue;
      }
      const { from, to, sources: cited, ...props } = parsed.data;
      const fromLabel = labelOf.get(from);
      const toLabel = labelOf.get(to);
      if (!fromLabel) problems.push(`${where(record)}: "from" refers to unknown id "${from}"`);
      if (!toLabel) problems.push(`${where(record)}: "to" refers to unknown id "${to}"`);
      if (from === to) problems.push(`${where(record)}: a ${type} relationship from "${from}" to itself`);
      if (fromLabel && toLabel) {
        const allowed = (RELATIONSHIP_TYPES[type] as readonly (readonly [string, string])[]).some(
          ([a, b]) => a === fromLabel && (b === '*' || b === toLabel),
        );
        if (!allowed) problems.push(`${where(record)}: ${type} may not join ${fromLabel} "${from}" to ${toLabel} "${to}"`);
      }
      if (props.status !== undefined && type !== 'RESTRICTS_EXPORT' && !LINK_STATUSES.includes(props.status)) {
        problems.push(`${where(record)}: status: expected one of ${LINK_STATUSES.join(', ')} (got "${props.status}")`);
      }
      checkSources(record, cited);
      // Relationships have no id in the seed: the key is stable as long as the file keeps its order.
      const base = `${type}:${from}->${to}`;
      const seen = (keys.get(base) ?? 0) + 1;
      keys.set(base, seen);
      relationships.push({ type, from, to, key: seen === 1 ? base : `${base}#${seen}`, props: { ...props }, sources: cited });
    }
  }
  if (problems.length > 0) throw new SeedValidationError(problems);
  return { sources, nodes, relationships };
}
