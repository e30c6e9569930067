import type { z } from 'zod';
import { NODE_SCHEMAS, RELATIONSHIP_SCHEMA, LINK_STATUSES, ID_SCHEMA, SourceSchema, toStoredProps, fromStoredProps, linkKey } from '../domain/records';
import { mayJoin, type EntityLabel, type NodeLabel, type RelationshipType } from '../domain/graphModel';
import { storedWord } from '../domain/words';
import { genericAliases, linkCertaintyProblem, shareProblem, type Confidence } from '../domain/provenance';
import { billOfMaterialsProblems, flowProductProblem, productReferenceProblem, stageCommodityProblem } from '../domain/materials';
import type { Properties } from '../db/models';
import type {
  CompanyInput,
  DepositInput,
  DetailInput,
  ElementInput,
  FacilityInput,
  FigureInput,
  LinkInput,
  ProductInput,
  RegionInput,
  SourceInput,
  SupplyChainStageInput,
} from '../generated/graphql';
import { isStringArray } from '../domain/guards';
import { InvalidInputError, type FieldProblem } from '../errors';

/**
 * Turns mutation inputs into stored properties, validated by the SAME schemas as the seed and the bulk
 * import (domain/records.ts), so a fact is accepted or refused identically whichever way it arrives.
 * GraphQL already checked the types; this checks the content and names the field of every problem.
 */

/** Input fields whose GraphQL enum values are stored as lower-case words (`UNDER_CONSTRUCTION` → `under-construction`). */
const ENUM_FIELDS = new Set(['confidence', 'regimeConfidence', 'status', 'reeClass']);
const PROPERTY_KEY = /^[a-zA-Z][a-zA-Z0-9]{0,40}$/;
/** Names a relationship property may not take: they have a meaning of their own. */
const RESERVED_LINK_KEYS = new Set(['from', 'to', 'key', 'sources', 'sourceIds', 'type']);

function problemsOf(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => ({ field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'), message: issue.message }));
}

/** Refuses an id that is not of the stable form the graph uses (lower-case letters, digits, dots, dashes). */
export function checkStableId(id: string, field: string): string {
  const parsed = ID_SCHEMA.safeParse(id);
  if (!parsed.success) throw new InvalidInputError(problemsOf(parsed.error, field));
  return id;
}

/** The input of any entity upsert: an id, the fields to set, and perhaps details. */
export type EntityInput = CompanyInput | DepositInput | ElementInput | FacilityInput | ProductInput | RegionInput | SupplyChainStageInput;

/** The fields of an input that patch a record (any of the generated input types is one). */
type PatchInput = { readonly details?: readonly DetailInput[] | null; readonly [field: string]: unknown };

/** A record in the seed format as far as a patch needs it: the sources it cites, when it has any. */
type PatchRecord = Record<string, unknown> & { sources?: readonly string[] };

/** Applies the fields an input gives to a record in the seed format: absent keeps, null clears. */
function applyPatch(record: Record<string, unknown>, input: PatchInput): Record<string, unknown> {
  const next = { ...record };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id' || value === undefined) continue;
    if (value === null) delete next[key];
    else if (key === 'details' && input.details) next.details = Object.fromEntries(input.details.map((d) => [d.key, d.value]));
    else if (ENUM_FIELDS.has(key) && typeof value === 'string') next[key] = storedWord(value);
    else next[key] = value;
  }
  return next;
}

export interface EntityWrite {
  readonly props: Properties;
  readonly sourceIds: readonly string[];
}

/**
 * The stored properties of an entity after applying `input` to its current state (`stored`, null when
 * new), citing `sourceIds` in addition to the sources it already cites.
 */
export function entityWrite(label: EntityLabel, stored: Properties | null, input: EntityInput, sourceIds: readonly string[]): EntityWrite {
  checkStableId(input.id, 'input.id');
  const current: PatchRecord = stored ? fromStoredProps(label, stored) : { id: input.id };
  const cited = [...new Set([...(current.sources ?? []), ...sourceIds])];
  const record = { ...applyPatch(current, input), sources: cited };
  for (const detail of input.details ?? []) {
    if (!PROPERTY_KEY.test(detail.key)) throw new InvalidInputError([{ field: 'input.details.key', message: `"${detail.key}" is not a valid key (letters and digits, starting with a letter)` }]);
  }
  const parsed = NODE_SCHEMAS[label].safeParse(record);
  if (!parsed.success) throw new InvalidInputError(problemsOf(parsed.error, 'input'));
  const generic = genericAliases(parsed.data.aliases);
  if (generic.length > 0) throw new InvalidInputError(generic.map((alias) => ({ field: 'input.aliases', message: `"${alias}" is a generic word, not a name (rule alias-generic)` })));
  return { props: { ...toStoredProps(label, parsed.data), sourceIds: cited }, sourceIds: cited };
}

export interface FigureWrite {
  readonly props: Properties;
  /** The properties of the region's HAS_FIGURE link, as the seed and the import store them. */
  readonly linkProps: Properties;
}

/**
 * The stored properties of a figure after applying `input` (less its `region`) to its current state
 * (`stored`, null when new), reported for `region` and citing `sourceIds` besides its own sources.
 */
export function figureWrite(stored: Properties | null, input: FigureInput, region: string, sourceIds: readonly string[]): FigureWrite {
  const current: PatchRecord = stored ? fromStoredProps('Figure', stored) : { id: input.id };
  const cited = [...new Set([...(current.sources ?? []), ...sourceIds])];
  const { region: _region, ...fields } = input;
  const parsed = NODE_SCHEMAS.Figure.safeParse({ ...applyPatch(current, fields), sources: cited });
  if (!parsed.success) throw new InvalidInputError(problemsOf(parsed.error, 'input'));
  const link = RELATIONSHIP_SCHEMA.parse({ from: region, to: input.id, sources: cited });
  const { from: _f, to: _t, sources: _s, ...linkFields } = link;
  return {
    props: { ...toStoredProps('Figure', parsed.data), sourceIds: cited },
    linkProps: { ...linkFields, key: linkKey('HAS_FIGURE', region, input.id), sourceIds: cited },
  };
}

export interface LinkWrite {
  readonly sourceIds: readonly string[];
  readonly confidence: Confidence;
  readonly type: RelationshipType;
  readonly from: string;
  readonly to: string;
  readonly key: string;
  readonly props: Properties;
}

/**
 * The stored properties of a relationship after applying `input` to its current properties (`stored`,
 * null when new). Endpoint kinds are checked by `checkEndpoints`, which needs the database.
 */
export function linkWrite(input: LinkInput, stored: Properties | null, sourceIds: readonly string[]): LinkWrite {
  checkStableId(input.from, 'input.from');
  checkStableId(input.to, 'input.to');
  const type: RelationshipType = input.type;
  const problems: FieldProblem[] = [];
  if (input.from === input.to) problems.push({ field: 'input.to', message: `a ${type} relationship cannot join "${input.from}" to itself` });
  const { sourceIds: storedSources, key: _key, ...current } = stored ?? {};
  const cited = [...new Set([...(isStringArray(storedSources) ? storedSources : []), ...sourceIds])];
  const { type: _type, from, to, properties, ...fields } = input;
  const record = applyPatch({ ...current, from, to }, fields);
  for (const [i, property] of (properties ?? []).entries()) {
    const field = `input.properties.${i}`;
    if (!PROPERTY_KEY.test(property.key) || RESERVED_LINK_KEYS.has(property.key)) {
      problems.push({ field: `${field}.key`, message: `"${property.key}" is not a property name you can set` });
    } else if ((property.text == null) === (property.number == null)) {
      problems.push({ field, message: 'give exactly one of "text" and "number"' });
    } else {
      record[property.key] = property.text ?? property.number;
    }
  }
  if (typeof record.status === 'string' && type !== 'RESTRICTS_EXPORT' && !LINK_STATUSES.includes(record.status)) {
    problems.push({ field: 'input.status', message: `expected one of ${LINK_STATUSES.join(', ')}` });
  }
  const parsed = RELATIONSHIP_SCHEMA.safeParse({ ...record, sources: cited });
  if (!parsed.success) problems.push(...problemsOf(parsed.error, 'input'));
  else {
    const share = shareProblem(parsed.data.sharePct);
    if (share) problems.push({ field: 'input.properties', message: `sharePct: ${share}` });
  }
  // A failed parse has pushed at least one problem: the second test only narrows `parsed`.
  if (problems.length > 0 || !parsed.success) throw new InvalidInputError(problems);
  const { from: _f, to: _t, sources: _s, ...props } = parsed.data;
  const key = linkKey(type, input.from, input.to);
  return { confidence: parsed.data.confidence, type, from: input.from, to: input.to, key, props: { ...props, key, sourceIds: cited }, sourceIds: cited };
}

/** Refuses a relationship between entities of kinds its type may not join (domain/graphModel's `mayJoin`). */
export function checkEndpoints(type: RelationshipType, from: { id: string; label: NodeLabel | undefined }, to: { id: string; label: NodeLabel | undefined }): void {
  const problems: FieldProblem[] = [];
  if (!from.label) problems.push({ field: 'input.from', message: `no entity has the id "${from.id}"` });
  if (!to.label) problems.push({ field: 'input.to', message: `no entity has the id "${to.id}"` });
  if (from.label && to.label && !mayJoin(type, from.label, to.label)) {
    problems.push({ field: 'input.type', message: `${type} may not join a ${from.label} ("${from.id}") to a ${to.label} ("${to.id}")` });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}

export interface SourcesWrite {
  readonly ids: readonly string[];
  /** Sources given with a title: created or updated with the fields given. */
  readonly upserts: readonly { id: string; props: Record<string, string> }[];
  /** Sources given by id only: they must exist. */
  readonly references: readonly string[];
}

/** Checks the `sources` argument: at least one; new sources complete and well-formed. */
export function sourcesWrite(sources: readonly SourceInput[]): SourcesWrite {
  if (sources.length === 0) throw new InvalidInputError([{ field: 'sources', message: 'every write names at least one source' }]);
  if (sources.length > 20) throw new InvalidInputError([{ field: 'sources', message: 'at most 20 sources per write' }]);
  const problems: FieldProblem[] = [];
  const upserts: { id: string; props: Record<string, string> }[] = [];
  const references: string[] = [];
  for (const [i, source] of sources.entries()) {
    const field = `sources.${i}`;
    const idCheck = ID_SCHEMA.safeParse(source.id);
    if (!idCheck.success) {
      problems.push(...problemsOf(idCheck.error, `${field}.id`));
      continue;
    }
    const { id, title, publisher, date, dateNote, url } = source;
    if (title == null) {
      if (publisher != null || date != null || dateNote != null || url != null) problems.push({ field: `${field}.title`, message: 'required when publisher, date, dateNote or url are given' });
      references.push(id);
      continue;
    }
    const parsed = SourceSchema.safeParse({ id, title, publisher, date, dateNote, url });
    if (!parsed.success) problems.push(...problemsOf(parsed.error, field));
    const props = Object.fromEntries(Object.entries({ title, publisher, date, dateNote, url }).filter((e): e is [string, string] => typeof e[1] === 'string'));
    upserts.push({ id, props });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return { ids: [...new Set(sources.map((s) => s.id))], upserts, references };
}

/**
 * Refuses a link that breaks a material rule: a flow between facilities naming no product, or naming
 * something that is not a Product (`flow-product`); an AT_STAGE without commodities (`stage-commodity`);
 * a bill of materials naming what the facility does not take in (`bill-of-materials`, against `inputs`).
 */
export function checkMaterials(
  type: RelationshipType,
  ends: { from: NodeLabel | undefined; to: NodeLabel | undefined },
  props: Properties,
  product: { label: NodeLabel | undefined } | null,
  inputs: ReadonlySet<string> | null,
): void {
  const problems: FieldProblem[] = [];
  const missing = ends.from && ends.to ? flowProductProblem(type, ends.from, ends.to, props.product) : null;
  if (missing) problems.push({ field: 'input.product', message: missing });
  const reference = typeof props.product === 'string' ? productReferenceProblem(props.product, product?.label) : null;
  if (reference) problems.push({ field: 'input.product', message: reference });
  const commodities = stageCommodityProblem(type, isStringArray(props.commodities) ? props.commodities : undefined);
  if (commodities) problems.push({ field: 'input.commodities', message: commodities });
  if (isStringArray(props.requires)) {
    if (type !== 'PRODUCES') problems.push({ field: 'input.requires', message: 'only a PRODUCES link has a bill of materials' });
    else for (const message of billOfMaterialsProblems(props.requires, inputs ?? new Set())) problems.push({ field: 'input.requires', message });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
}

/** Refuses a link more certain than its least certain end (rule `link-certainty`). */
export function checkLinkCertainty(link: Confidence, ends: readonly { readonly id: string; readonly confidence: Confidence }[]): void {
  const problem = linkCertaintyProblem(link, ends);
  if (problem) throw new InvalidInputError([{ field: 'input.confidence', message: problem }]);
}
