import type { Caller } from '../auth';
import { recordChange, snapshot } from '../db/audit';
import type { Executor, TransactionRunner } from '../db/executor';
import type { Properties } from '../db/models';
import { UPSERT_ENTITIES, UPSERT_FIGURES, UPSERT_SOURCES, upsertNodes, upsertRelationships } from '../db/queries/import';
import {
  CURATION_ENTRIES,
  DELETE_NODES_BY_ID,
  HOLDS_SEED_TEXTS,
  DELETE_RELATIONSHIPS_BY_KEY,
  SEED_VERSION,
  SET_SEED_VERSION,
  STORED_NODES,
  STORED_RELATIONSHIPS,
} from '../db/queries/seedUpgrade';
import { RELATIONSHIP_TYPE_NAMES } from '../domain/graphModel';
import { isRecord, isStringArray } from '../domain/guards';
import { validateSeed, type ValidSeed } from '../domain/validate';
import { ensureSchema, nodeRow, relationshipRow, sourceRow } from './importer';
import { DEFAULT_SEED_DIR, readSeed, seedVersion } from './seed';

/**
 * Upgrading a store to a new version of the seed, keeping curated work. A store seeded by an earlier
 * release holds the old seed's records plus what curators changed through the mutations and imports;
 * re-running a MERGE-only load would leave corrected or removed facts wrong. The upgrade, in ONE write
 * transaction:
 *
 * - writes every record of the new seed that curation has not touched (created, updated or unchanged);
 * - removes the records the seed no longer has, unless curation touched them;
 * - leaves every record curation created, changed or removed alone, and reports where the new seed
 *   disagrees with it (a conflict: the curated state is kept);
 * - appends ONE audit entry (`SEED_UPGRADE`) and records the seed version in the store.
 *
 * "Touched by curation" is read from the audit trail, so it works for stores that never recorded a seed
 * version: an entity or figure named by a CREATE/UPDATE/DELETE or an IMPORT, a relationship named by a
 * CONNECT/RECONNECT/DISCONNECT, listed by an IMPORT, removed with its entity, or linking a curated figure.
 */

export interface SeedUpgradeReport {
  readonly version: string;
  /** The version the store held before (null: none recorded, or an empty store). */
  readonly previous: string | null;
  readonly written: { readonly nodes: number; readonly relationships: number; readonly sources: number };
  readonly removed: { readonly nodes: number; readonly relationships: number };
  /** Where the new seed and a curated record disagree; the curated state was kept. */
  readonly conflicts: readonly string[];
}

/** Who the audit trail names for an upgrade. */
const SEED_ACTOR: Caller = { name: 'seed', role: 'writer' };

interface Curated {
  readonly nodes: ReadonlySet<string>;
  readonly relationships: ReadonlySet<string>;
  /**
   * The stored state a record had before curation first changed it (the audit snapshot): what the seed
   * had written. A new seed that still writes that state has not changed the record: no conflict.
   */
  readonly seededState: ReadonlyMap<string, string | null>;
}

/** The relationship keys an audit `before`/`after` snapshot lists (`relationships: [keys]`), if any. */
function listedKeys(json: string | null): string[] {
  if (json === null) return [];
  const parsed: unknown = JSON.parse(json);
  return isRecord(parsed) && isStringArray(parsed.relationships) ? parsed.relationships : [];
}

/** What the audit trail says curation touched. */
function curatedBy(entries: readonly { action: string; target: string; entityIds: string[]; before: string | null; after: string | null }[]): Curated {
  const nodes = new Set<string>();
  const relationships = new Set<string>();
  const seededState = new Map<string, string | null>();
  for (const entry of entries) {
    switch (entry.action) {
      case 'CREATE':
      case 'UPDATE':
        nodes.add(entry.target);
        if (!seededState.has(entry.target)) seededState.set(entry.target, entry.before);
        break;
      case 'DELETE':
        nodes.add(entry.target);
        if (!seededState.has(entry.target)) seededState.set(entry.target, entry.before);
        for (const key of listedKeys(entry.before)) relationships.add(key);
        break;
      case 'CONNECT':
      case 'RECONNECT':
      case 'DISCONNECT':
        relationships.add(entry.target);
        if (!seededState.has(entry.target)) seededState.set(entry.target, entry.before);
        break;
      case 'IMPORT':
        // An import's entry keeps no earlier state per record: a conflict is then reported whenever the
        // curated record and the new seed differ (see seedChanged).
        for (const id of entry.entityIds) nodes.add(id);
        for (const key of listedKeys(entry.after)) relationships.add(key);
        break;
    }
  }
  return { nodes, relationships, seededState };
}

const same = (stored: Properties | undefined, wanted: Properties): boolean => stored !== undefined && snapshot(stored) === snapshot(wanted);

/** Whether the new seed changes a curated record: its state differs from what the seed had written before curation. */
function seedChanged(curated: Curated, key: string, stored: Properties | undefined, wanted: Properties): boolean {
  if (curated.seededState.has(key)) return curated.seededState.get(key) !== snapshot(wanted);
  return !same(stored, wanted);
}

/** Reads the store and the audit trail, and writes the upgrade, inside the caller's transaction. */
async function upgradeIn(tx: TransactionRunner, seed: ValidSeed, version: string): Promise<SeedUpgradeReport> {
  const [state] = await tx.run(SEED_VERSION);
  const storedNodes = new Map((await tx.run(STORED_NODES)).map((n) => [n.id, n]));
  const storedLinks = new Map((await tx.run(STORED_RELATIONSHIPS)).map((r) => [r.key, r]));
  const curated = curatedBy(await tx.run(CURATION_ENTRIES));
  // A curated figure's HAS_FIGURE link is curated with it (upsertFigure writes both).
  const curatedLink = (key: string, to: string): boolean => curated.relationships.has(key) || (key.startsWith('HAS_FIGURE:') && curated.nodes.has(to));
  const conflicts: string[] = [];

  const nodes = seed.nodes.filter((node) => {
    const wanted = nodeRow(node).props;
    if (!curated.nodes.has(node.id)) return !same(storedNodes.get(node.id)?.props, wanted);
    if (seedChanged(curated, node.id, storedNodes.get(node.id)?.props, wanted)) conflicts.push(`${node.label} "${node.id}": curated, and the seed changed it too; kept the curated state`);
    return false;
  });
  const seedIds = new Set(seed.nodes.map((n) => n.id));
  // A node the seed dropped stays while a curated relationship still uses it.
  const curatedEnds = new Set([...storedLinks.values()].filter((r) => curatedLink(r.key, r.to)).flatMap((r) => [r.from, r.to]));
  const removedNodes = [...storedNodes.keys()].filter((id) => !seedIds.has(id) && !curated.nodes.has(id) && !curatedEnds.has(id));
  for (const id of [...storedNodes.keys()].filter((id) => !seedIds.has(id) && !curated.nodes.has(id) && curatedEnds.has(id))) {
    conflicts.push(`"${id}": dropped by the seed, kept for the curated relationships that use it`);
  }
  const present = new Set([...[...storedNodes.keys()].filter((id) => !removedNodes.includes(id)), ...nodes.map((n) => n.id)]);

  const links = seed.relationships.filter((link) => {
    const wanted = relationshipRow(link).props;
    if (curatedLink(link.key, link.to)) {
      if (seedChanged(curated, link.key, storedLinks.get(link.key)?.props, wanted)) conflicts.push(`${link.type} "${link.key}": curated, and the seed changed it too; kept the curated state`);
      return false;
    }
    if (!present.has(link.from) || !present.has(link.to)) {
      conflicts.push(`${link.type} "${link.key}": an end was removed by curation; not restored`);
      return false;
    }
    return !same(storedLinks.get(link.key)?.props, wanted);
  });
  const seedKeys = new Set(seed.relationships.map((r) => r.key));
  const removedLinks = [...storedLinks.values()].filter((r) => !seedKeys.has(r.key) && !curatedLink(r.key, r.to)).map((r) => r.key);

  await tx.execute(DELETE_RELATIONSHIPS_BY_KEY, { keys: removedLinks });
  await tx.execute(DELETE_NODES_BY_ID, { ids: removedNodes });
  if (seed.sources.length > 0) await tx.run(UPSERT_SOURCES, { rows: seed.sources.map(sourceRow) });
  for (const query of [UPSERT_ENTITIES, UPSERT_FIGURES]) {
    const rows = nodes.filter((n) => upsertNodes(n.label) === query).map(nodeRow);
    if (rows.length > 0) await tx.run(query, { rows });
  }
  for (const type of RELATIONSHIP_TYPE_NAMES) {
    const rows = links.filter((r) => r.type === type).map(relationshipRow);
    if (rows.length > 0 && (await tx.run(upsertRelationships(type), { rows })).length !== rows.length) throw new Error(`seed upgrade: ${type} rows lost an end`);
  }
  const report: SeedUpgradeReport = {
    version,
    previous: state?.version ?? null,
    written: { nodes: nodes.length, relationships: links.length, sources: seed.sources.length },
    removed: { nodes: removedNodes.length, relationships: removedLinks.length },
    conflicts,
  };
  if (nodes.length + links.length + removedNodes.length + removedLinks.length > 0) {
    await recordChange(tx, SEED_ACTOR, 'seed-upgrade', {
      action: 'SEED_UPGRADE',
      target: `seed ${version}`,
      entityIds: [...new Set([...nodes.map((n) => n.id), ...removedNodes])].sort(),
      before: { version: report.previous },
      after: { version, written: report.written, removed: report.removed, removedNodes, removedRelationships: removedLinks, conflicts },
      sourceIds: [],
    });
  }
  await tx.execute(SET_SEED_VERSION, { version });
  return report;
}

/**
 * Upgrades the store to the seed in `dir` (validated first; nothing is written when it is invalid),
 * keeping curated work, in one transaction. On an empty store it is a fresh load.
 */
export async function upgradeSeed(executor: Executor, dir: string = DEFAULT_SEED_DIR): Promise<SeedUpgradeReport> {
  const seed = validateSeed(readSeed(dir));
  const version = seedVersion(dir);
  await ensureSchema(executor);
  return executor.writeTransaction('seed.upgrade', (tx) => upgradeIn(tx, seed, version));
}

/**
 * Whether a non-empty store should be upgraded at start-up: it holds another seed version than the
 * shipped one, or it records none but holds the project's seed texts (seeded by an earlier release).
 * A store this project never seeded (your own data, the benchmark's synthetic graph) is left alone.
 */
export async function needsSeedUpgrade(executor: Executor, dir: string = DEFAULT_SEED_DIR): Promise<boolean> {
  const [state] = await executor.read(SEED_VERSION);
  const stored = state?.version ?? null;
  if (stored !== null) return stored !== seedVersion(dir);
  const [row] = await executor.read(HOLDS_SEED_TEXTS);
  return row?.holds ?? false;
}
