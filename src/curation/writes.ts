import type { Caller } from '../auth';
import { recordChange, snapshot, type ChangeRecord } from '../db/audit';
import type { Executor, TransactionRunner } from '../db/executor';
import { ENTITY_LABELS, entityKindOf, type EntityLabel, type RelationshipType } from '../domain/graphModel';
import {
  type EntityRecord,
  type FigureRecord,
  type Properties,
  type RawNode,
  type RegionModel,
  type SourceRecord,
  expectKind,
  toEntityRecord,
  toFigureRecord,
} from '../db/models';
import {
  DELETE_ENTITY,
  DELETE_FIGURE,
  ENTITY_RELATIONSHIPS,
  FIGURE_STATE,
  UPSERT_FIGURE,
  ENTITY_STATE,
  FACILITY_INPUTS,
  LOCK,
  LOCK_OR_PLACEHOLD,
  SOURCES_BY_ID,
  deleteRelationships,
  relationshipState,
  type LockedLabel,
} from '../db/queries/curation';
import { UPSERT_SOURCES, upsertNodes, upsertRelationships } from '../db/queries/import';
import { InvalidInputError } from '../errors';
import type { FigureInput, LinkInput, RelationshipKind, SourceInput } from '../generated/graphql';
import { linkKey } from '../domain/records';
import { storedConfidence } from '../domain/provenance';
import { checkEndpoints, checkLinkCertainty, checkMaterials, checkStableId, entityWrite, figureWrite, linkWrite, sourcesWrite, type EntityInput, type SourcesWrite } from './inputs';

/**
 * The write operations of the API. Each runs in ONE transaction: read the current state, validate the
 * input against it, write, and append the audit entry — all of it commits, or none of it does. Writes are
 * upserts on stable keys, so a retried request changes nothing the second time (and records no entry).
 */

/** Who writes, through which executor, in which request. */
export interface Writer {
  readonly db: Executor;
  readonly caller: Caller;
  readonly requestId: string;
}

export interface EntityPayloadRecord {
  readonly entity: EntityRecord;
  readonly created: boolean;
  readonly change: ChangeRecord | null;
}

export interface RelationshipRecord {
  readonly key: string;
  readonly type: RelationshipKind;
  readonly from: EntityRecord;
  readonly to: EntityRecord;
  readonly properties: { key: string; value: string }[];
  readonly sources: SourceRecord[];
}

/** The entity label of a stored node, from its labels alone (the checks on a write's ends need no decoded model). */
function labelOf(node: RawNode): EntityLabel {
  const kind = entityKindOf(node.labels);
  if (!kind) throw new Error(`Node ${node.props.id} has no entity label (labels: ${node.labels.join(',')})`);
  return ENTITY_LABELS[kind];
}

/** The entity label among a stored state's labels; undefined when no entity was found. */
function stateLabel(labels: readonly string[] | null): EntityLabel | undefined {
  const kind = labels ? entityKindOf(labels) : undefined;
  return kind ? ENTITY_LABELS[kind] : undefined;
}

/**
 * Locks the node with `id`, or makes its placeholder (LOCK_OR_PLACEHOLD). When the writer it waited for
 * had deleted the node, the first run locks the deleted node (no properties left); the second, in the
 * same transaction, then sees it gone and makes the placeholder.
 */
async function lockOrPlacehold(tx: TransactionRunner, label: LockedLabel, id: string): Promise<RawNode> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const [row] = await tx.run(LOCK_OR_PLACEHOLD[label], { id });
    if (row && row.props.id === id) return { labels: row.labels, props: { ...row.props, id } };
  }
  throw new Error(`could not lock or create a placeholder for ${id}`);
}

/** Creates or updates the cited sources, and refuses citations of sources that do not exist. */
async function writeSources(tx: TransactionRunner, cited: SourcesWrite, given: readonly SourceInput[]): Promise<void> {
  const known = cited.references.length === 0 ? [] : await tx.run(SOURCES_BY_ID, { ids: cited.references });
  const knownIds = new Set(known.map((row) => row.source.id));
  const missing = given.flatMap((s, i) => (s.title == null && !knownIds.has(s.id) ? [i] : []));
  if (missing.length > 0) {
    throw new InvalidInputError(
      missing.map((i) => ({ field: `sources.${i}.id`, message: `no source has the id "${given[i]?.id}" (give a title to record a new source)` })),
    );
  }
  if (cited.upserts.length > 0) await tx.execute(UPSERT_SOURCES, { rows: cited.upserts });
}

/** Creates the entity, or updates the fields the input gives. */
export function upsertEntityOf(
  writer: Writer,
  label: EntityLabel,
  input: EntityInput,
  sources: readonly SourceInput[],
): Promise<EntityPayloadRecord> {
  const cited = sourcesWrite(sources);
  return writer.db.writeTransaction(`upsert${label}`, async (tx) => {
    const state = await lockOrPlacehold(tx, 'Entity', input.id);
    const before = state.props._placeholder === true ? null : state.props;
    if (before) {
      const storedLabel = labelOf({ labels: state.labels, props: before });
      if (storedLabel !== label) throw new InvalidInputError([{ field: 'input.id', message: `"${input.id}" is a ${storedLabel}, not a ${label}` }]);
    }
    const write = entityWrite(label, before, input, cited.ids);
    await writeSources(tx, cited, sources);
    const [row] = await tx.run(upsertNodes(label), { rows: [{ id: input.id, label, props: write.props }] });
    if (!row) throw new Error(`upsert of ${input.id} returned nothing`);
    const unchanged = before !== null && snapshot(before) === snapshot(row.props);
    const change = unchanged
      ? null
      : await recordChange(tx, writer.caller, writer.requestId, {
          action: before ? 'UPDATE' : 'CREATE',
          target: input.id,
          entityIds: [input.id],
          before,
          after: row.props,
          sourceIds: cited.ids,
        });
    return { entity: toEntityRecord(row), created: before === null, change };
  });
}

export interface DeletePayloadRecord {
  readonly id: string;
  readonly deleted: boolean;
  readonly removedRelationships: string[];
  readonly change: ChangeRecord | null;
}

/** Deletes an entity; refused while relationships remain, unless `cascade` removes them with it. */
export function deleteEntity(writer: Writer, id: string, cascade: boolean, sources: readonly SourceInput[]): Promise<DeletePayloadRecord> {
  checkStableId(id, 'id');
  const cited = sourcesWrite(sources);
  return writer.db.writeTransaction('deleteEntity', async (tx) => {
    await tx.execute(LOCK.Entity, { ids: [id] });
    const [state] = await tx.run(ENTITY_STATE, { id });
    const before = state?.props ?? null;
    if (!before) return { id, deleted: false, removedRelationships: [], change: null };
    const keys = (await tx.run(ENTITY_RELATIONSHIPS, { id })).map((row) => row.key);
    if (keys.length > 0 && !cascade) {
      const listed = keys.slice(0, 5).join(', ') + (keys.length > 5 ? `, … (${keys.length} in all)` : '');
      throw new InvalidInputError([{ field: 'cascade', message: `"${id}" still has ${keys.length} relationship(s): ${listed}; pass cascade: true to delete them with it` }]);
    }
    await writeSources(tx, cited, sources);
    await tx.execute(DELETE_ENTITY, { id });
    const change = await recordChange(tx, writer.caller, writer.requestId, {
      action: 'DELETE',
      target: id,
      entityIds: [id],
      before: keys.length > 0 ? { ...before, relationships: keys } : before,
      after: null,
      sourceIds: cited.ids,
    });
    return { id, deleted: true, removedRelationships: keys, change };
  });
}

export interface FigurePayloadRecord {
  readonly figure: FigureRecord;
  readonly region: RegionModel;
  readonly created: boolean;
  readonly change: ChangeRecord | null;
}

interface FigureState {
  readonly props: Properties | null;
  readonly regions: string[];
}

/** A figure's state for the audit trail: its properties and the region(s) reporting it. */
const figureSnapshot = (state: FigureState): Properties | null => (state.props ? { ...state.props, regions: [...state.regions].sort() } : null);

/** Records a national figure for a region, or updates it; given a new `region`, moves it there. */
export function upsertFigure(writer: Writer, input: FigureInput, sources: readonly SourceInput[]): Promise<FigurePayloadRecord> {
  checkStableId(input.id, 'input.id');
  if (input.region != null) checkStableId(input.region, 'input.region');
  const cited = sourcesWrite(sources);
  return writer.db.writeTransaction('upsertFigure', async (tx) => {
    await lockOrPlacehold(tx, 'Figure', input.id);
    const [locked] = await tx.run(FIGURE_STATE, { id: input.id });
    const state = !locked || locked.props?._placeholder === true ? { props: null, regions: [] } : locked;
    const regionId = input.region ?? state.regions[0];
    if (!regionId) throw new InvalidInputError([{ field: 'input.region', message: 'required when the figure is new' }]);
    const [regionNode] = await tx.run(LOCK.Entity, { ids: [regionId] });
    if (!regionNode) throw new InvalidInputError([{ field: 'input.region', message: `no entity has the id "${regionId}"` }]);
    const regionLabel = labelOf(regionNode);
    if (regionLabel !== 'Region') throw new InvalidInputError([{ field: 'input.region', message: `"${regionId}" is a ${regionLabel}, not a Region` }]);
    const region = expectKind('REGION', toEntityRecord(regionNode));
    const write = figureWrite(state.props, input, regionId, cited.ids);
    await writeSources(tx, cited, sources);
    const [row] = await tx.run(UPSERT_FIGURE, { id: input.id, region: regionId, props: write.props, linkProps: write.linkProps });
    if (!row) throw new Error(`upsert of figure ${input.id} returned nothing`);
    const before = figureSnapshot(state);
    const after = figureSnapshot({ props: row.props, regions: [regionId] });
    const change =
      before !== null && snapshot(before) === snapshot(after)
        ? null
        : await recordChange(tx, writer.caller, writer.requestId, {
            action: before ? 'UPDATE' : 'CREATE',
            target: input.id,
            entityIds: [...new Set([input.id, regionId, ...state.regions])],
            before,
            after,
            sourceIds: cited.ids,
          });
    const figure = toFigureRecord({ labels: ['Figure'], props: { ...row.props, id: input.id } });
    return { figure, region, created: state.props === null, change };
  });
}

/** Deletes a national figure with the links that report it. */
export function deleteFigure(writer: Writer, id: string, sources: readonly SourceInput[]): Promise<DeletePayloadRecord> {
  checkStableId(id, 'id');
  const cited = sourcesWrite(sources);
  return writer.db.writeTransaction('deleteFigure', async (tx) => {
    await tx.execute(LOCK.Figure, { ids: [id] });
    const [state] = await tx.run(FIGURE_STATE, { id });
    const before = state ? figureSnapshot(state) : null;
    if (!state || !before) return { id, deleted: false, removedRelationships: [], change: null };
    await writeSources(tx, cited, sources);
    await tx.execute(DELETE_FIGURE, { id });
    const change = await recordChange(tx, writer.caller, writer.requestId, {
      action: 'DELETE',
      target: id,
      entityIds: [id, ...state.regions],
      before,
      after: null,
      sourceIds: cited.ids,
    });
    return { id, deleted: true, removedRelationships: state.regions.map((region) => linkKey('HAS_FIGURE', region, id)), change };
  });
}

export interface RelationshipPayloadRecord {
  readonly relationship: RelationshipRecord;
  readonly created: boolean;
  readonly change: ChangeRecord | null;
}

function toRelationshipRecord(type: RelationshipKind, from: EntityRecord, to: EntityRecord, props: Properties, sources: SourceRecord[]): RelationshipRecord {
  const properties = Object.entries(props)
    .filter(([key]) => key !== 'key' && key !== 'sourceIds')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value: String(value) }));
  return { key: String(props.key), type, from, to, properties, sources };
}

/** Creates the relationship, or updates the properties of the one with the same type and ends. */
export function connect(writer: Writer, input: LinkInput, sources: readonly SourceInput[]): Promise<RelationshipPayloadRecord> {
  const cited = sourcesWrite(sources);
  const type: RelationshipType = input.type;
  return writer.db.writeTransaction(`connect${type}`, async (tx) => {
    const ends = await tx.run(LOCK.Entity, { ids: [input.from, input.to].sort() });
    const fromNode = ends.find((e) => e.props.id === input.from);
    const toNode = ends.find((e) => e.props.id === input.to);
    checkEndpoints(type, { id: input.from, label: fromNode && labelOf(fromNode) }, { id: input.to, label: toNode && labelOf(toNode) });
    const key = linkKey(type, input.from, input.to);
    const [state] = await tx.run(relationshipState(type), { from: input.from, to: input.to, key });
    const before = state?.props ?? null;
    const write = linkWrite(input, before, cited.ids);
    const product = write.props.product;
    const [productState] = typeof product === 'string' ? await tx.run(ENTITY_STATE, { id: product }) : [];
    const inputs = type === 'PRODUCES' && Array.isArray(write.props.requires) ? new Set((await tx.run(FACILITY_INPUTS, { id: input.from })).map((r) => r.input)) : null;
    checkMaterials(
      type,
      { from: fromNode && labelOf(fromNode), to: toNode && labelOf(toNode) },
      write.props,
      productState ? { label: stateLabel(productState.labels) } : null,
      inputs,
    );
    checkLinkCertainty(write.confidence, [
      { id: input.from, confidence: storedConfidence(fromNode?.props.confidence) },
      { id: input.to, confidence: storedConfidence(toNode?.props.confidence) },
    ]);
    await writeSources(tx, cited, sources);
    const [row] = await tx.run(upsertRelationships(type), { rows: [{ from: input.from, to: input.to, key, props: write.props }] });
    if (!row || !fromNode || !toNode) throw new Error(`connect ${key} returned nothing`);
    const unchanged = before !== null && snapshot(before) === snapshot(row.props);
    const change = unchanged
      ? null
      : await recordChange(tx, writer.caller, writer.requestId, {
          action: before ? 'RECONNECT' : 'CONNECT',
          target: key,
          entityIds: [input.from, input.to],
          before,
          after: row.props,
          sourceIds: cited.ids,
        });
    const linkSources = (await tx.run(SOURCES_BY_ID, { ids: write.sourceIds })).map((r) => r.source);
    const relationship = toRelationshipRecord(input.type, toEntityRecord(fromNode), toEntityRecord(toNode), row.props, linkSources);
    return { relationship, created: before === null, change };
  });
}

export interface DisconnectPayloadRecord {
  readonly key: string;
  readonly removed: boolean;
  readonly change: ChangeRecord | null;
}

/** Removes the relationships of a type from one entity to another. */
export function disconnect(writer: Writer, type: RelationshipType, from: string, to: string, sources: readonly SourceInput[]): Promise<DisconnectPayloadRecord> {
  checkStableId(from, 'from');
  checkStableId(to, 'to');
  const cited = sourcesWrite(sources);
  const key = linkKey(type, from, to);
  return writer.db.writeTransaction(`disconnect${type}`, async (tx) => {
    await tx.execute(LOCK.Entity, { ids: [from, to].sort() });
    const removed = await tx.run(deleteRelationships(type), { from, to });
    if (removed.length === 0) return { key, removed: false, change: null };
    await writeSources(tx, cited, sources);
    const change = await recordChange(tx, writer.caller, writer.requestId, {
      action: 'DISCONNECT',
      target: key,
      entityIds: [from, to],
      before: removed.length === 1 ? (removed[0]?.props ?? null) : { relationships: removed.map((r) => r.props) },
      after: null,
      sourceIds: cited.ids,
    });
    return { key, removed: true, change };
  });
}
