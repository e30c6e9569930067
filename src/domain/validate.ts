import type { z } from 'zod';
import { NODE_LABELS, isNodeLabel, isRelationshipType, mayJoin, mayStartAt, type NodeLabel } from './graphModel';
import {
  LINK_STATUSES,
  linkKey,
  NODE_SCHEMAS,
  RELATIONSHIP_SCHEMA,
  SourceSchema,
  toStoredProps,
  type NodeData,
  type RawSeed,
  type RelationshipData,
  type SeedRecord,
  type SourceData,
  type ValidSeed,
} from './records';
import { fieldOf, isRecord } from './guards';
import { figureCitationProblem, genericAliases, linkCertaintyProblem, nameKey, seedOnlyProblem, shareProblem, type Confidence } from './provenance';
import { billOfMaterialsProblems, flowProductProblem, inputKey, productReferenceProblem, stageCommodityProblem } from './materials';

export * from './records';

/**
 * One problem of a seed or an import: where (file, and the CSV line or the JSON record number, counting
 * from 1; 0 when the problem is the file as a whole, such as an unknown label), which field (a dotted
 * path such as `capacity.value`; null when no single field is at fault) and why.
 */
export interface ImportProblem {
  readonly file: string;
  readonly line: number;
  readonly field: string | null;
  readonly reason: string;
}

/**
 * Ids that already exist in the database, which records may refer to without defining them: nodes
 * (with their label) and sources. Empty for a self-contained seed.
 */
export interface KnownIds {
  readonly nodes: ReadonlyMap<string, NodeLabel>;
  readonly sources: ReadonlySet<string>;
  /** The confidence of known entities and figures, for the rule `link-certainty` (absent: `stated`). */
  readonly confidences?: ReadonlyMap<string, Confidence>;
}

export const NO_KNOWN_IDS: KnownIds = { nodes: new Map(), sources: new Set() };

/** The result of `checkSeed`: every problem, and the records that passed (write them only when there is no problem). */
export interface SeedCheck {
  readonly problems: readonly ImportProblem[];
  readonly seed: ValidSeed;
}

/** A problem as one line: `file:line: field: reason` (`file: reason` for the file as a whole). */
export function formatProblem(problem: ImportProblem): string {
  return `${problem.file}${problem.line > 0 ? `:${problem.line}` : ''}: ${problem.field ? `${problem.field}: ` : ''}${problem.reason}`;
}

/** Every problem found in the seed, each naming file and record. Nothing has been written when it is thrown. */
export class SeedValidationError extends Error {
  override readonly name = 'SeedValidationError';
  /**
   * @param problems one line per problem, in the seed loader's wording (`file record N (id): …`)
   * @param details the same problems, structured
   */
  constructor(
    readonly problems: readonly string[],
    readonly details: readonly ImportProblem[] = [],
  ) {
    super(`The seed is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.slice(0, 50).join('\n- ')}`);
  }
}

/** A problem with its line in the seed loader's wording, which names the record's id and phrases some problems as sentences. */
interface Finding {
  readonly problem: ImportProblem;
  readonly text: string;
}

function fileFinding(file: string, reason: string, sentence = reason): Finding {
  return { problem: { file, line: 0, field: null, reason }, text: `${file}: ${sentence}` };
}

function finding(record: SeedRecord<unknown>, field: string | null, reason: string, sentence = field ? `${field}: ${reason}` : reason): Finding {
  const line = record.line ?? record.index;
  const id = fieldOf(record.data, 'id');
  const where = `${record.file} ${record.line === undefined ? 'record' : 'line'} ${line}${typeof id === 'string' ? ` (${id})` : ''}`;
  return { problem: { file: record.file, line, field, reason }, text: `${where}: ${sentence}` };
}

/** Zod's issues as problems; a missing value says "required", a value of the wrong type shows the value. */
function issueFindings(record: SeedRecord<unknown>, error: z.ZodError): Finding[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || null;
    if (issue.code !== 'invalid_type') return finding(record, field, issue.message);
    const given = issue.input;
    return finding(record, field, given === undefined ? 'required' : `expected ${issue.expected}, got ${JSON.stringify(given)}`);
  });
}

const PARSE = { reportInput: true } as const;

/**
 * Checks the whole seed (or import) before anything is written: record shapes, duplicate ids, unknown
 * labels and relationship types, endpoints of the wrong kind, dangling references and citations of
 * unknown sources. References may point at records of the same seed or at `known` ids (already in the
 * database); a record whose id is known with another label is refused. Reports EVERY problem.
 *
 * Relationships have no id in the seed: each gets the key `TYPE:from->to`, `#2`, `#3`… for further ones
 * between the same ends in file order; a record may give its `key` explicitly (the exporter does when the
 * stored key is not the one file order would give), and keys must be unique per type.
 */
export function checkSeed(raw: RawSeed, known: KnownIds = NO_KNOWN_IDS): SeedCheck {
  const { findings, seed } = check(raw, known);
  return { problems: findings.map((f) => f.problem), seed };
}

/** Checks a self-contained seed and returns its records, or throws a `SeedValidationError` naming every problem. */
export function validateSeed(raw: RawSeed): ValidSeed {
  const { findings, seed } = check(raw, NO_KNOWN_IDS);
  if (findings.length > 0) throw new SeedValidationError(findings.map((f) => f.text), findings.map((f) => f.problem));
  return seed;
}

function check(raw: RawSeed, known: KnownIds): { findings: Finding[]; seed: ValidSeed } {
  const { findings, seed, names, confidences } = checkShapes(raw, known);
  findings.push(...names, ...checkLinkProvenance(raw, confidences, known));
  return { findings, seed };
}

/** Where each name and alias is used, to find one that names two entities (rule `alias-unique`). */
interface NameUse {
  readonly record: SeedRecord<unknown>;
  readonly id: string;
  readonly field: 'name' | 'aliases';
  readonly text: string;
}

function nameFindings(uses: readonly NameUse[]): Finding[] {
  const byKey = new Map<string, NameUse[]>();
  for (const use of uses) byKey.set(nameKey(use.text), [...(byKey.get(nameKey(use.text)) ?? []), use]);
  const findings: Finding[] = [];
  for (const list of byKey.values()) {
    const ids = [...new Set(list.map((u) => u.id))];
    if (ids.length < 2) continue;
    for (const use of list.filter((u) => u.field === 'aliases')) {
      const others = ids.filter((id) => id !== use.id).map((id) => `"${id}"`).join(', ');
      findings.push(finding(use.record, 'aliases', `alias "${use.text}" also names ${others} (rule alias-unique)`));
    }
  }
  return findings;
}

/**
 * The rules a link breaks against its ends (`link-certainty`), and the rules of single records that
 * need the seed as a whole (`seed-only`, `share-number`). Ends in the database count with the
 * confidence they have there.
 */
function checkLinkProvenance(raw: RawSeed, confidences: ReadonlyMap<string, Confidence>, known: KnownIds): Finding[] {
  const findings: Finding[] = [];
  const confidenceOf = (id: string): Confidence => confidences.get(id) ?? known.confidences?.get(id) ?? 'stated';
  for (const record of raw.relationships.flatMap((group) => group.records)) {
    if (!isRecord(record.data)) continue;
    const { key: _key, ...data } = record.data;
    const parsed = RELATIONSHIP_SCHEMA.safeParse(data);
    if (!parsed.success) continue; // its shape was reported already
    const { from, to, confidence, sources: cited, sharePct } = parsed.data;
    const certainty = linkCertaintyProblem(confidence, [
      { id: from, confidence: confidenceOf(from) },
      { id: to, confidence: confidenceOf(to) },
    ]);
    if (certainty) findings.push(finding(record, 'confidence', certainty));
    const seedOnly = seedOnlyProblem(confidence, cited);
    if (seedOnly) findings.push(finding(record, 'confidence', seedOnly));
    const share = shareProblem(sharePct);
    if (share) findings.push(finding(record, 'sharePct', share));
  }
  return findings;
}

function checkShapes(raw: RawSeed, known: KnownIds): { findings: Finding[]; seed: ValidSeed; names: Finding[]; confidences: Map<string, Confidence> } {
  const findings: Finding[] = [];
  const sources: SourceData[] = [];
  const sourceIds = new Set<string>();
  for (const record of raw.sources) {
    const parsed = SourceSchema.safeParse(record.data, PARSE);
    if (!parsed.success) findings.push(...issueFindings(record, parsed.error));
    else if (sourceIds.has(parsed.data.id)) findings.push(finding(record, 'id', `duplicate source id "${parsed.data.id}"`, `duplicate source id "${parsed.data.id}"`));
    else (sourceIds.add(parsed.data.id), sources.push(parsed.data));
  }
  const checkSources = (record: SeedRecord<unknown>, cited: readonly string[]): void => {
    cited.forEach((s) => {
      if (!sourceIds.has(s) && !known.sources.has(s)) findings.push(finding(record, 'sources', `cites unknown source "${s}"`, `cites unknown source "${s}"`));
    });
  };

  const nodes: NodeData[] = [];
  const labelOf = new Map<string, NodeLabel>();
  const nameUses: NameUse[] = [];
  const confidences = new Map<string, Confidence>();
  /** Former ids (rule `redirect-unique`): each names one entity, and no entity has it as its id. */
  const formerIds: { record: SeedRecord<unknown>; id: string; former: string }[] = [];
  for (const group of raw.nodes) {
    if (!isNodeLabel(group.label)) {
      const file = group.file ?? group.records[0]?.file ?? group.label;
      findings.push(fileFinding(file, `unknown node label "${group.label}" (expected one of ${NODE_LABELS.join(', ')})`, `unknown node label "${group.label}"`));
      continue;
    }
    const label = group.label;
    for (const record of group.records) {
      const parsed = NODE_SCHEMAS[label].safeParse(record.data, PARSE);
      if (!parsed.success) {
        findings.push(...issueFindings(record, parsed.error));
        continue;
      }
      const data = parsed.data;
      const stored = known.nodes.get(data.id);
      const before = findings.length;
      if (labelOf.has(data.id)) findings.push(finding(record, 'id', `duplicate id "${data.id}"`, `duplicate id "${data.id}"`));
      else if (stored && stored !== label) findings.push(finding(record, 'id', `"${data.id}" is a ${stored} in the database, not a ${label}`));
      labelOf.set(data.id, label);
      checkSources(record, data.sources);
      const confidence = 'confidence' in data ? data.confidence : 'stated';
      confidences.set(data.id, confidence);
      const seedOnly = seedOnlyProblem(confidence, data.sources);
      if (seedOnly) findings.push(finding(record, 'confidence', seedOnly));
      const figureCitation = label === 'Figure' ? figureCitationProblem(data.sources) : null;
      if (figureCitation) findings.push(finding(record, 'sources', figureCitation));
      if ('aliases' in data) {
        for (const alias of genericAliases(data.aliases)) findings.push(finding(record, 'aliases', `"${alias}" is a generic word, not a name (rule alias-generic)`));
        nameUses.push({ record, id: data.id, field: 'name', text: data.name }, ...data.aliases.map((text) => ({ record, id: data.id, field: 'aliases' as const, text })));
      }
      if ('formerIds' in data && data.formerIds) formerIds.push(...data.formerIds.map((former) => ({ record, id: data.id, former })));
      if (findings.length === before) nodes.push({ label, id: data.id, props: toStoredProps(label, data), sources: data.sources });
    }
  }
  const formerOwner = new Map<string, string>();
  for (const { record, id, former } of formerIds) {
    const owner = formerOwner.get(former);
    if (labelOf.has(former) || known.nodes.has(former)) findings.push(finding(record, 'formerIds', `"${former}" is the id of an entity, so it cannot redirect to "${id}" (rule redirect-unique)`));
    else if (owner !== undefined && owner !== id) findings.push(finding(record, 'formerIds', `"${former}" already redirects to "${owner}" (rule redirect-unique)`));
    formerOwner.set(former, id);
  }

  const relationships: RelationshipData[] = [];
  const derived = new Map<string, number>();
  const keys = new Set<string>();
  /** For the rule `bill-of-materials`: each facility's inputs, and the productions that list their inputs. */
  const inputsOf = new Map<string, Set<string>>();
  const addInput = (facility: string, key: string) => inputsOf.set(facility, (inputsOf.get(facility) ?? new Set()).add(key));
  const bills: { record: SeedRecord<unknown>; facility: string; requires: readonly string[] }[] = [];
  for (const group of raw.relationships) {
    if (!isRelationshipType(group.type)) {
      findings.push(fileFinding(group.file ?? group.records[0]?.file ?? group.type, `unknown relationship type "${group.type}"`));
      continue;
    }
    const type = group.type;
    for (const record of group.records) {
      const before = findings.length;
      // The key is not a property: it is taken out before the record is checked.
      const isObject = isRecord(record.data);
      const { key: givenKey, ...data } = isObject ? record.data : { key: undefined };
      const parsed = RELATIONSHIP_SCHEMA.safeParse(isObject ? data : record.data, PARSE);
      if (givenKey !== undefined && (typeof givenKey !== 'string' || givenKey.length === 0)) findings.push(finding(record, 'key', 'a non-empty text'));
      if (!parsed.success) {
        findings.push(...issueFindings(record, parsed.error));
        continue;
      }
      const { from, to, sources: cited, ...props } = parsed.data;
      const fromLabel = labelOf.get(from) ?? known.nodes.get(from);
      const toLabel = labelOf.get(to) ?? known.nodes.get(to);
      if (!fromLabel) findings.push(finding(record, 'from', `refers to unknown id "${from}"`, `"from" refers to unknown id "${from}"`));
      if (!toLabel) findings.push(finding(record, 'to', `refers to unknown id "${to}"`, `"to" refers to unknown id "${to}"`));
      if (from === to) findings.push(finding(record, 'to', `a ${type} relationship from "${from}" to itself`, `a ${type} relationship from "${from}" to itself`));
      if (fromLabel && toLabel && !mayJoin(type, fromLabel, toLabel)) {
        const fromAllowed = mayStartAt(type, fromLabel);
        const sentence = `${type} may not join ${fromLabel} "${from}" to ${toLabel} "${to}"`;
        findings.push(finding(record, fromAllowed ? 'to' : 'from', sentence, sentence));
      }
      if (props.product !== undefined) {
        const productProblem = productReferenceProblem(props.product, labelOf.get(props.product) ?? known.nodes.get(props.product));
        if (productProblem) findings.push(finding(record, 'product', productProblem));
      }
      const flowProduct = fromLabel && toLabel ? flowProductProblem(type, fromLabel, toLabel, props.product) : null;
      if (flowProduct) findings.push(finding(record, 'product', flowProduct));
      const stageCommodity = stageCommodityProblem(type, props.commodities);
      if (stageCommodity) findings.push(finding(record, 'commodities', stageCommodity));
      if (toLabel === 'Facility' && (type === 'FEEDS' || type === 'SUPPLIES' || type === 'CONSUMED_BY')) addInput(to, type === 'CONSUMED_BY' ? from : inputKey({ from, product: props.product }));
      if (props.requires !== undefined) {
        if (type !== 'PRODUCES') findings.push(finding(record, 'requires', `only a PRODUCES link has a bill of materials`));
        else if (labelOf.get(from) === 'Facility') bills.push({ record, facility: from, requires: props.requires });
      }
      if (props.status !== undefined && type !== 'RESTRICTS_EXPORT' && !LINK_STATUSES.includes(props.status)) {
        findings.push(finding(record, 'status', `expected one of ${LINK_STATUSES.join(', ')} (got "${props.status}")`));
      }
      checkSources(record, cited);
      let key: string;
      if (typeof givenKey === 'string' && givenKey.length > 0) key = givenKey;
      else {
        const base = linkKey(type, from, to);
        const seen = (derived.get(base) ?? 0) + 1;
        derived.set(base, seen);
        key = seen === 1 ? base : `${base}#${seen}`;
      }
      if (keys.has(`${type}\n${key}`)) findings.push(finding(record, 'key', `duplicate ${type} key "${key}"`));
      keys.add(`${type}\n${key}`);
      if (findings.length === before) relationships.push({ type, from, to, key, props: { ...props }, sources: cited });
    }
  }
  // A bill of materials is checked when the facility is defined in the same seed or import, whose
  // relationships then hold its inputs; one for a facility already in the database is not.
  for (const bill of bills) {
    for (const problem of billOfMaterialsProblems(bill.requires, inputsOf.get(bill.facility) ?? new Set())) findings.push(finding(bill.record, 'requires', problem));
  }
  return { findings, seed: { sources, nodes, relationships }, names: nameFindings(nameUses), confidences };
}
