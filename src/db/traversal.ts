import neo4j from 'neo4j-driver';
import type { Executor } from './executor';
import { readFolded, type Fold } from './fold';
import { DecodeError } from '../errors';
import { errorMessage } from '../domain/guards';
import {
  type DependencyRecord,
  type PathRecord,
  type RelationRecord,
  type ShareBreakdownRecord,
  ENTITY_LABELS,
  type EntityKindName,
  type EntityRecord,
  expectKind,
  toEntityRecord,
} from './models';
import { ELEMENT_COMMODITY, HUB_DEGREE, STAGE_SHARES, pathsQuery, timeMode, traversalQuery, type Direction, type PathRow } from './queries/traversal';

export interface TraversalOptions {
  readonly maxHops: number;
  readonly kinds?: readonly EntityKindName[] | null;
  readonly asOf?: number | null;
  readonly includeHistorical?: boolean | null;
  readonly limit: number;
  /** Whether the caller selected the paths; without them the statement only counts hops. */
  readonly withPaths: boolean;
  /** From how many relationships the start is a hub, searched near first (HUB_DEGREE unless a test asks otherwise). */
  readonly hubDegree?: number;
}

/** A path's nodes as entity models; stored data that breaks the model is a DecodeError naming the statement. */
function pathNodes(query: string, raw: PathRow): EntityRecord[] {
  try {
    return raw.nodes.map(toEntityRecord);
  } catch (error) {
    throw new DecodeError(query, errorMessage(error));
  }
}

/** Rebuilds a path from the node list and links of a traversal row of the statement `query`. */
function toPath(query: string, raw: PathRow): PathRecord {
  const nodes = pathNodes(query, raw);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links = raw.links.map((link): RelationRecord => {
    const from = byId.get(link.from);
    const to = byId.get(link.to);
    if (!from || !to) throw new Error(`Path link ${link.type} ${link.from}->${link.to} has an endpoint outside the path`);
    return { type: link.type, props: link.props, from, to };
  });
  return { nodes, links };
}

function timeParams(options: Pick<TraversalOptions, 'asOf' | 'includeHistorical'>) {
  return { asOf: options.asOf ?? null, includeHistorical: options.includeHistorical ?? false };
}

/**
 * Dependents (downstream) or dependencies (upstream) of one entity, each with its shortest path; with a
 * fold, each entity with what the selection below it reads (the request compiler), in the same statement.
 */
export async function traverse(db: Executor, id: string, direction: Direction, options: TraversalOptions, fold?: Fold): Promise<DependencyRecord[]> {
  const labels = (options.kinds ?? []).map((k) => ENTITY_LABELS[k]);
  const query = traversalQuery({ direction, maxHops: options.maxHops, time: timeMode(options.asOf, options.includeHistorical), withPaths: options.withPaths, labels });
  const params = { id, labels, limit: neo4j.int(options.limit), hubDegree: neo4j.int(options.hubDegree ?? HUB_DEGREE), ...timeParams(options) };
  const rows = await readFolded(db, query, 'target', params, fold, 'entity');
  return rows.map((row) => ({ entity: row.entity, hops: row.hops, path: toPath(query.name, row) }));
}

export async function findPaths(
  db: Executor,
  from: string,
  to: string,
  direction: Direction,
  options: Pick<TraversalOptions, 'maxHops' | 'asOf' | 'includeHistorical'> & { first: number },
): Promise<PathRecord[]> {
  const query = pathsQuery(direction, options.maxHops, options.first, timeMode(options.asOf, options.includeHistorical));
  const rows = await db.read(query, { from, to, ...timeParams(options) });
  return rows.map((row) => toPath(query.name, row));
}

/** The commodity shares are recorded under for an element symbol; null when no such element exists. */
export async function commodityOfElement(db: Executor, symbol: string): Promise<string | null> {
  const [row] = await db.read(ELEMENT_COMMODITY, { symbol: symbol.toUpperCase() });
  return row?.commodity ?? null;
}

/**
 * Country shares at a stage for one commodity in one year (the latest with data when not given), with
 * the Herfindahl–Hirschman index over the known shares. Null when no stage matches.
 */
export async function sharesAtStage(db: Executor, stage: string, commodity: string, year: number | null): Promise<ShareBreakdownRecord | null> {
  const [row] = await db.read(STAGE_SHARES, { stage });
  if (!row) return null;
  const stageRecord = expectKind('STAGE', row.stage);
  const forCommodity = row.shares.filter((s) => s.props.commodity === commodity);
  const chosenYear = year ?? (forCommodity.length ? Math.max(...forCommodity.map((s) => Number(s.props.year))) : null);
  const shares = forCommodity
    .filter((s) => Number(s.props.year) === chosenYear)
    .map((s): RelationRecord => ({ type: s.type, props: s.props, from: s.country, to: stageRecord }));
  const pcts = shares.map((s) => Number(s.props.sharePct));
  return {
    stage: stageRecord,
    commodity,
    year: shares.length ? chosenYear : null,
    shares,
    hhi: shares.length ? Math.round(pcts.reduce((sum, p) => sum + p * p, 0) * 100) / 100 : null,
    coveredPct: Math.round(pcts.reduce((sum, p) => sum + p, 0) * 100) / 100,
  };
}
