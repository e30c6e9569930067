import type { GraphSharesQuery } from '../../client/generated/graphql';
import { toCsv, type Cell } from './csv';
import { KIND_ORDER } from './kinds';
import type { DrawnEntity, SupplyGraph } from './model';

/**
 * The page's exports, built from what it holds (no DOM here): what is drawn, each entity and link with
 * its sources, and the country shares of the chart. JSON keeps the API's structure; CSV has one row per
 * entity, link or country, with a record's several sources joined by " | " in each source column.
 */

export interface SourceRef {
  readonly id: string;
  /** Null when no source has this id any more. */
  readonly title: string | null;
  readonly url: string | null;
}

/** The sources of what is drawn, as fetched for an export. */
export interface SourceIndex {
  /** Each drawn entity's sources. */
  readonly ofEntity: ReadonlyMap<string, readonly SourceRef[]>;
  /** Title and URL of each source a drawn link cites. */
  readonly byId: ReadonlyMap<string, SourceRef>;
}

export interface ExportedEntity {
  readonly id: string;
  readonly name: string;
  readonly kind: DrawnEntity['kind'];
  /** Where it is drawn: the centre, upstream (what the centre depends on) or downstream (what depends on it). */
  readonly direction: 'centre' | 'upstream' | 'downstream';
  readonly hops: number;
  readonly sources: readonly SourceRef[];
}

export interface ExportedLink {
  /** The relationship key, as `Change.target` gives it: `TYPE:from->to`. */
  readonly id: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly material: string | null;
  readonly status: string;
  readonly sources: readonly SourceRef[];
}

/** What the page draws: the JSON export, and the rows of the CSV one. */
export interface GraphExport {
  readonly centre: string;
  readonly maxHops: number;
  /** The year asked for; null: any year, planned included. */
  readonly asOf: number | null;
  readonly entities: readonly ExportedEntity[];
  readonly links: readonly ExportedLink[];
}

export type ShareBreakdown = GraphSharesQuery['supplyShares'];

const LIST_SEPARATOR = ' | ';

export function graphExport(graph: SupplyGraph, view: { readonly maxHops: number; readonly asOf: number | null }, sources: SourceIndex): GraphExport {
  const entities = [...graph.entities.values()].sort((a, b) => a.column - b.column || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const links = [...graph.links.values()].sort((a, b) => a.from.localeCompare(b.from) || a.type.localeCompare(b.type) || a.to.localeCompare(b.to));
  return {
    centre: graph.centreId,
    maxHops: view.maxHops,
    asOf: view.asOf,
    entities: entities.map((e) => ({
      id: e.id,
      name: e.name,
      kind: e.kind,
      direction: e.column === 0 ? 'centre' : e.column < 0 ? 'upstream' : 'downstream',
      hops: Math.abs(e.column),
      sources: sources.ofEntity.get(e.id) ?? [],
    })),
    links: links.map((l) => ({
      id: `${l.type}:${l.from}->${l.to}`,
      type: l.type,
      from: l.from,
      to: l.to,
      material: l.material,
      status: l.status,
      sources: l.sourceIds.map((id) => sources.byId.get(id) ?? { id, title: null, url: null }),
    })),
  };
}

function sourceCells(sources: readonly SourceRef[]): Cell[] {
  return [sources.map((s) => s.id), sources.map((s) => s.title ?? ''), sources.map((s) => s.url ?? '')].map((list) => list.join(LIST_SEPARATOR));
}

export const GRAPH_CSV_HEADER = ['record', 'id', 'name', 'kind', 'direction', 'hops', 'type', 'from', 'to', 'material', 'status', 'source_ids', 'source_titles', 'source_urls'] as const;

export function graphCsv(data: GraphExport): string {
  return toCsv(GRAPH_CSV_HEADER, [
    ...data.entities.map((e) => ['entity', e.id, e.name, e.kind, e.direction, e.hops, null, null, null, null, null, ...sourceCells(e.sources)]),
    ...data.links.map((l) => ['link', l.id, null, null, null, null, l.type, l.from, l.to, l.material, l.status, ...sourceCells(l.sources)]),
  ]);
}

export const SHARES_CSV_HEADER = ['stage', 'commodity', 'year', 'country_id', 'country', 'share_pct', 'derived', 'metric', 'source_ids', 'source_titles', 'source_urls'] as const;

export function sharesCsv(breakdown: ShareBreakdown): string {
  const { stage, commodity, year } = breakdown;
  return toCsv(
    SHARES_CSV_HEADER,
    breakdown.shares.map((s) => [stage.name, commodity, year, s.country.id, s.country.name, s.sharePct, s.derived, s.metric ?? null, ...sourceCells(s.sources)]),
  );
}

/** A file name made of `parts` (ids, years), safe on every file system. */
export function fileName(parts: readonly (string | number | null)[], extension: 'csv' | 'json'): string {
  const stem = parts
    .filter((p) => p !== null && p !== '')
    .join('-')
    .replace(/[^\w.-]+/g, '-');
  return `${stem}.${extension}`;
}
