import { z } from 'zod';
import { FLOW_TYPES, mayJoin, NODE_LABELS, type NodeLabel } from '../../domain/graphModel';
import type { Query, RowDecoder } from '../executor';
import { ENTITY, INTEGER, PROPS, RAW_LINK, RAW_NODE } from '../rows';

/**
 * Cypher of the supply-chain traversals. One statement per question, anchored on the `entity_id`
 * uniqueness index, following typed relationships, bounded in hops. Variable-length bounds cannot be
 * parameters in Cypher, so each bound gets its own statement text, built from a validated integer
 * (never from a string) and cached.
 *
 * Db hits of whole statements (PROFILE, Neo4j 5.26.31, `npm run bench`; `npm run profile:traversals`
 * prints them for the variants with paths):
 *   dependents of a deposit, maxHops 6, hops only    seed: 1,475    1M synthetic graph:   3,179
 *   facilities depending on the hub element, 6 hops                   1M synthetic graph:   286,679
 *     (searched 2 hops deep first, `nearestFirst`: 1,506,408 without; 6,920,156 when each of its
 *     entries had its own search)
 *   paths (5 shortest, maxHops 8)                    seed: 2,019    1M synthetic graph:   9,797
 *   impact of a facility, maxHops 8                  seed: 21,080   1M synthetic graph: 858,177
 * Directed patterns matter: the same search over undirected relationships with a direction predicate
 * took 4–10 s at 12 hops instead of under 20 ms (trail enumeration instead of a breadth-first search).
 */

export const MAX_HOPS = 12;
export const MAX_PATHS = 10;
/** Alternatives reported per affected entity (the nearest ones). */
export const MAX_ALTERNATIVES = 10;

/** Stored relationship types traversals follow; all are stored pointing downstream (see FLOW_TYPES). */
const FLOW = FLOW_TYPES.join('|');

export type Direction = 'down' | 'up';

/**
 * Which links and facilities count. `current`: everything but ended links and closed facilities
 * (planned ones included); `history`: everything; `asOf`: what exists and operates in `$asOf`. Each
 * mode gets its own statement, so the planner sees plain predicates instead of parameter switches.
 */
export type TimeMode = 'current' | 'history' | 'asOf';

export function timeMode(asOf: number | null | undefined, includeHistorical: boolean | null | undefined): TimeMode {
  return asOf != null ? 'asOf' : includeHistorical ? 'history' : 'current';
}

/** The statement shape: direction, hop bound, time mode, and whether paths are returned at all. */
export interface Variant {
  readonly direction: Direction;
  readonly maxHops: number;
  readonly time: TimeMode;
  /** When false, only each entity's hop count is computed (no path materialised or returned). */
  readonly withPaths: boolean;
  /**
   * The labels asked for (`$labels`; none: every label). The statement leaves out the ways in through
   * materials that cannot reach any of them (`materialEntries`); `$labels` still filters the answer.
   */
  readonly labels?: readonly string[];
  /** The nearer search's bound from a region (REGION_NEAR_HOPS, at most the whole bound); `maxHops` from anything else. */
  readonly regionHops?: number;
}

/** A link counts in the time mode. */
export function linkActive(r: string, time: TimeMode): string {
  switch (time) {
    case 'current':
      return `coalesce(${r}.status, '') <> 'historical'`;
    case 'history':
      return 'true';
    case 'asOf':
      return `coalesce(${r}.startYear, 0) <= $asOf AND coalesce(${r}.endYear, 9999) >= $asOf
        AND (coalesce(${r}.status, '') <> 'historical' OR ${r}.endYear IS NOT NULL)`;
  }
}

/**
 * An entity counts in the time mode: with `$asOf`, a facility that has started by then (its first
 * operation, else its full-capacity year; or it operates with neither known) and has not ended;
 * otherwise a facility that is not closed (unless history is asked).
 */
export function exists(n: string, time: TimeMode): string {
  switch (time) {
    case 'current':
      return `(NOT ${n}:Facility OR NOT ${n}.status IN ['historical', 'suspended'])`;
    case 'history':
      return 'true';
    case 'asOf':
      return `(NOT ${n}:Facility OR (coalesce(${n}.endYear, 9999) >= $asOf AND NOT ${n}.status IN ['historical', 'suspended']
        AND CASE WHEN coalesce(${n}.startYear, ${n}.fullCapacityYear) IS NULL THEN ${n}.status IN ['operating', 'pilot']
          ELSE coalesce(${n}.startYear, ${n}.fullCapacityYear) <= $asOf END))`;
  }
}

/**
 * One hop of a quantified path pattern from `x` to `y` over `r`, directed (downstream follows the
 * stored direction): the link is active and `y` exists. Companies are not part of the flow: SUPPLIES
 * between companies is an agreement (money, off-take), not material.
 */
export function hop(direction: Direction, types: string, time: TimeMode, extra = ''): string {
  const rel = direction === 'down' ? `-[r:${types}]->` : `<-[r:${types}]-`;
  return `((x)${rel}(y) WHERE NOT y:Company AND ${linkActive('r', time)} AND ${exists('y', time)}${extra})`;
}

/** How a start enters: downstream or upstream for the traversals; `disruption` for impact. */
export type EntryMode = Direction | 'disruption';

/**
 * An entry through materials: a start with `label` enters at `a:${entry}`, reached by `path` (which
 * begins at `start` and has `length` relationships).
 */
interface MaterialEntry {
  readonly label: 'Element' | 'Product';
  readonly path: string;
  readonly entry: 'Deposit' | 'Product' | 'Facility';
  readonly length: number;
}

const MATERIAL_ENTRIES: Readonly<Record<EntryMode, readonly MaterialEntry[]>> = {
  up: [
    { label: 'Element', path: '(start)<-[:CONTAINS]-', entry: 'Deposit', length: 1 },
    { label: 'Element', path: '(start)<-[:CONTAINS]-(:Product)<-[:PRODUCES]-', entry: 'Facility', length: 2 },
  ],
  down: [
    { label: 'Product', path: '(start)-[:CONSUMED_BY]->', entry: 'Facility', length: 1 },
    { label: 'Element', path: '(start)<-[:CONTAINS]-', entry: 'Product', length: 1 },
    { label: 'Element', path: '(start)<-[:CONTAINS]-(:Product)<-[:PRODUCES]-', entry: 'Facility', length: 2 },
    { label: 'Element', path: '(start)<-[:CONTAINS]-(:Product)-[:CONSUMED_BY]->', entry: 'Facility', length: 2 },
  ],
  disruption: [{ label: 'Element', path: '(start)<-[:CONTAINS]-', entry: 'Product', length: 1 }],
};

/** How deep in a region's tree its entries are looked for. */
const REGION_DEPTH = 6;
/** A region's entries: the facilities and deposits in it, at any depth of the region tree (binds `p0`, `a`). */
const REGION_ENTRY = `MATCH p0 = (start)<-[:PART_OF|LOCATED_IN*1..${REGION_DEPTH}]-(a) WHERE (a:Facility OR a:Deposit)`;

/**
 * Where a traversal enters the flow network from `start`: a region through what lies in it (at any
 * depth), a company through what it operates or holds a licence for; anything else is itself an entry
 * (except, for a disruption, an element: it disrupts the products containing it). Materials add
 * entries: downstream, a product enters also at the facilities consuming it, and an element at the
 * products containing it and the facilities that make or consume those; upstream, an element enters at
 * the deposits containing it and the facilities making products that contain it. Yields `a` (entry,
 * existing in the time mode) and `p0` (how it was reached); `carry` lists further variables to keep.
 */
export function entries(mode: EntryMode, time: TimeMode, carry = '', materials = MATERIAL_ENTRIES[mode]): string {
  const self = mode === 'disruption' ? 'NOT start:Region AND NOT start:Company AND NOT start:Element' : 'NOT start:Region AND NOT start:Company';
  return `CALL (start) {
    WITH start WHERE start:Region
    ${REGION_ENTRY}
    RETURN a, p0
    UNION
    WITH start WHERE start:Company
    MATCH p0 = (start)-[:OPERATES|HOLDS_LICENCE]->(a)
    RETURN a, p0
    UNION
    WITH start WHERE ${self}
    MATCH p0 = (start)
    RETURN start AS a, p0${materials.map((e) => `
    UNION
    WITH start WHERE start:${e.label}
    MATCH p0 = ${e.path}(a:${e.entry})
    RETURN a, p0`).join('')}
  }
  WITH start, a, p0${carry} WHERE ${exists('a', time)}`;
}

/**
 * The labels reachable from a `from` node over one or more flow relationships (downstream along
 * their stored direction, upstream against it), by the endpoints the graph model allows each flow type
 * to join. A hop never enters a company (`hop`).
 */
export function flowReach(from: NodeLabel, direction: Direction): ReadonlySet<NodeLabel> {
  const joins = (a: NodeLabel, b: NodeLabel) => FLOW_TYPES.some((type) => (direction === 'down' ? mayJoin(type, a, b) : mayJoin(type, b, a)));
  const reached = new Set<NodeLabel>();
  const frontier: NodeLabel[] = [from];
  for (let label = frontier.pop(); label !== undefined; label = frontier.pop()) {
    for (const next of NODE_LABELS) {
      if (next === 'Company' || reached.has(next) || !joins(label, next)) continue;
      reached.add(next);
      frontier.push(next);
    }
  }
  return reached;
}

/** Upstream, the labels a facility entry adds as targets besides the flow (`facilityMaterials`). */
const FACILITY_MATERIAL_LABELS: readonly NodeLabel[] = ['Product', 'Element'];

/**
 * The ways in through materials that can lead to one of `labels` (all of them when none is asked):
 * the entry itself, what the flow reaches from it, and upstream a facility entry's materials. The
 * facilities depending on an element, for one, need not search downstream from every product
 * containing it, since products lead only to products (on the seed, 3,845 db hits instead of 5,104
 * for `el-nd`'s facilities, the same answer; 1.10× the requests per second, docs/performance.md).
 */
export function materialEntries(direction: Direction, labels: readonly string[] = []): readonly MaterialEntry[] {
  if (labels.length === 0) return MATERIAL_ENTRIES[direction];
  return MATERIAL_ENTRIES[direction].filter((e) => labels.some((l) => YIELDS[direction].get(e)!.has(l)));
}

/** What each way in can yield as a target, by direction (computed once from the graph model). */
const YIELDS: Readonly<Record<Direction, ReadonlyMap<MaterialEntry, ReadonlySet<string>>>> = {
  down: yields('down'),
  up: yields('up'),
};

function yields(direction: Direction): ReadonlyMap<MaterialEntry, ReadonlySet<string>> {
  return new Map(
    MATERIAL_ENTRIES[direction].map((e) => {
      const yielded = new Set<string>([e.entry, ...flowReach(e.entry, direction)]);
      if (direction === 'up' && e.entry === 'Facility') FACILITY_MATERIAL_LABELS.forEach((l) => yielded.add(l));
      return [e, yielded];
    }),
  );
}

/**
 * Upstream, what a facility entry takes in and what its products are made of: the products it
 * consumes, and the elements contained in what it consumes or makes; each target with the `columns`
 * of its path.
 */
const facilityMaterials = (columns: Columns) => `
    UNION
    MATCH p1 = (a:Facility)<-[:CONSUMED_BY]-(b:Product)
    RETURN b AS target, ${columns.of('p0', 'p1')}
    UNION
    MATCH p1 = (a:Facility)<-[:CONSUMED_BY]-(:Product)-[:CONTAINS]->(b:Element)
    RETURN b AS target, ${columns.of('p0', 'p1')}
    UNION
    MATCH p1 = (a:Facility)-[:PRODUCES]->(:Product)-[:CONTAINS]->(b:Element)
    RETURN b AS target, ${columns.of('p0', 'p1')}`;

/**
 * Ways from `start` into the flow network, as the beginning of a path pattern that ends at the entry `a`
 * (existing in the time mode), for a start that passes `guard`; `length` is the number of relationships
 * of the beginning. The same entries as `entries` (except a region's, see `reachable`), written so that
 * one shortest-path search from `start` covers all the entries of a kind at once.
 */
function entryPaths(time: TimeMode, materials: readonly MaterialEntry[]): { guard: string; path: string; length: number }[] {
  return [
    { guard: 'start:Company', path: `(start)-[:OPERATES|HOLDS_LICENCE]->(a WHERE ${exists('a', time)})`, length: 1 },
    { guard: `NOT start:Region AND NOT start:Company AND ${exists('start', time)}`, path: '(start)', length: 0 },
    ...materials.map((e) => ({ guard: `start:${e.label}`, path: `${e.path}(a:${e.entry} WHERE ${exists('a', time)})`, length: e.length })),
  ];
}

/** What a branch returns of a target's path: its `names`, and their values `of` the steps `p0` (start to entry) and, when there is one, `p1` (entry onwards). */
interface Columns {
  readonly names: string;
  of(p0: string, p1?: string): string;
}
/** Only the distance (`hops`): no path is carried through the search. */
const DISTANCE: Columns = {
  names: 'hops',
  of: (p0, p1) => (p1 ? `length(${p0}) + length(${p1}) AS hops` : `length(${p0}) AS hops`),
};
/** The path, as its nodes (`ns`) and relationships (`rs`). */
const PATH: Columns = {
  names: 'ns, rs',
  of: (p0, p1) =>
    p1 ? `nodes(${p0}) + tail(nodes(${p1})) AS ns, relationships(${p0}) + relationships(${p1}) AS rs` : `nodes(${p0}) AS ns, relationships(${p0}) AS rs`,
};

/**
 * Everything reachable from `start` within the bound (entry steps included), as `target` with the
 * `columns` of its path: the entries themselves (and upstream, what a facility entry takes in), then,
 * for each kind of entry, ONE shortest-path search from `start` through the entry into the flow. A
 * search per entry instead (one from each of an element's thousands of products) repeats the same
 * breadth-first expansion once per entry: on the 1M graph the hub element's dependents took 6.9 million
 * db hits and 2.8 s that way, 1.7 million and 1.0–1.3 s this way. A region is the exception: its
 * entries lie at different depths of the region tree, and one search through that tree into the flow
 * took more memory than a transaction may use on a country of the 1M graph, so a region searches from
 * each facility or deposit in it.
 */
function reachable(v: Variant, columns: Columns): string {
  const materials = materialEntries(v.direction, v.labels);
  const searches = entryPaths(v.time, materials)
    .filter((e) => v.maxHops - e.length >= 1)
    .map(
      (e) => `
    UNION
    WITH start WHERE ${e.guard}
    MATCH p = ANY SHORTEST ${e.path}${hop(v.direction, FLOW, v.time)}{1,${v.maxHops - e.length}}(b)
    RETURN b AS target, ${columns.of('p')}`,
    )
    .join('');
  return `CALL (start) {
    WITH start, start:Region AS fromRegion
    ${entries(v.direction, v.time, ', fromRegion', materials)}
    CALL (a, p0, fromRegion) {
      RETURN a AS target, ${columns.of('p0')}${v.direction === 'up' ? facilityMaterials(columns) : ''}${regionSearches(v, columns)}
    }
    RETURN target, ${columns.names}${searches}
  }`;
}

/**
 * A region's searches, from each facility or deposit in it (the entry `a`, `p0` from the region), as
 * far as the bound leaves past its depth in the region tree: one branch per depth, as a bound cannot
 * be a parameter. With one bound for every depth, the 1M graph's largest country (18,587 facilities
 * and deposits, all 3 levels down) searched from each of them 5 flow hops deep where 3 can still end
 * within 6 (docs/performance.md has the figures).
 */
function regionSearches(v: Variant, columns: Columns): string {
  const bound = v.regionHops ?? v.maxHops;
  const depths = Array.from({ length: Math.min(REGION_DEPTH, bound - 1) }, (_, i) => i + 1);
  return depths
    .map(
      (depth) => `
      UNION
      WITH a, p0, fromRegion WHERE fromRegion AND length(p0) = ${depth}
      MATCH p1 = ANY SHORTEST (a)${hop(v.direction, FLOW, v.time)}{1,${bound - depth}}(b)
      RETURN b AS target, ${columns.of('p0', 'p1')}`,
    )
    .join('');
}

export const RAW = (n: string) => `{labels: labels(${n}), props: properties(${n})}`;
/** The relationships of a list as `{type, props, from, to}` (the RAW_LINK row shape). */
export const RAW_LINKS = (rels: string) => `[r IN ${rels} | {type: type(r), props: properties(r), from: startNode(r).id, to: endNode(r).id}]`;
const PATH_COLUMNS = `[n IN best.ns | ${RAW('n')}] AS nodes,
  ${RAW_LINKS('best.rs')} AS links`;

function checkBound(value: number, max: number, what: string): void {
  // Invariant: resolvers validate these before building a query; a violation is a programming error.
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${what} out of range: ${value}`);
}

/** The rows of every traversal: a path as its nodes and links (empty when paths were not asked for). */
export const PATH_ROW = z.object({ nodes: z.array(RAW_NODE), links: z.array(RAW_LINK) });
export type PathRow = z.infer<typeof PATH_ROW>;
const DEPENDENCY_ROW = PATH_ROW.extend({ entity: ENTITY, hops: INTEGER });

/** Built statements by variant, so each variant's text is built (and planned by Neo4j) once. */
export class Variants<Row> {
  private readonly built = new Map<string, Query<Row>>();
  constructor(private readonly row: RowDecoder<Row>) {}

  get(name: string, key: string, build: () => string): Query<Row> {
    let query = this.built.get(`${name}:${key}`);
    if (!query) {
      query = { name, cypher: build(), row: this.row };
      this.built.set(`${name}:${key}`, query);
    }
    return query;
  }
}
const dependencyVariants = new Variants(DEPENDENCY_ROW);
const pathVariants = new Variants(PATH_ROW);
/** The key of a variant's text: the asked labels count only by the ways in they keep (at most 2^4 keys). */
const variantKey = (v: Variant) =>
  `${v.direction}:${v.maxHops}:${v.time}:${v.withPaths}:${materialEntries(v.direction, v.labels).map((e) => MATERIAL_ENTRIES[v.direction].indexOf(e)).join(',')}`;

/** The bound of the nearer search a hub's traversal tries first (`traversalQuery`). */
export const NEAR_HOPS = 2;
/**
 * The same from a region: what lies in a region is itself some levels down its tree (the 1M graph's
 * countries hold their facilities and deposits 3 levels down), so its nearer search reaches one level
 * further than that, each entry searched as far as the bound leaves past its depth (`regionSearches`).
 */
export const REGION_NEAR_HOPS = 4;
/**
 * From how many relationships a start counts as a hub (`$hubDegree`; tests pass 0 to try the nearer
 * search from every start). On the 1M benchmark graph an element has some 15,000, the largest company
 * 2,078, a deposit or facility tens.
 */
export const HUB_DEGREE = 1_000;

/**
 * Per target, what a traversal keeps of it, nearest first: its distance (`hops`), or with paths its
 * shortest path (`best`, nodes and relationships), of which `hops` is the length.
 */
interface Ranked {
  readonly column: 'hops' | 'best';
  readonly hops: string;
  /** The targets of `v` as rows of `target` and `column`, one per target, within the bound and the asked labels. */
  search(v: Variant): string;
}
/**
 * Whether `v` has a bound of its own from a region (the nearer search): then the largest distance it
 * keeps is `nearHops`, which `nearestFirst` sets once per start (a label test per target row cost the
 * hub element 28,000 db hits).
 */
const regionBound = (v: Variant) => v.regionHops !== undefined;
/** The variables a search keeps beside `start`, `target` and its distance. */
const carried = (v: Variant) => (regionBound(v) ? ', nearHops' : '');
/** Targets within the largest distance `v` keeps (every target within it is found at its distance), of the asked labels. */
const kept = (v: Variant) => `WHERE target <> start AND hops <= ${regionBound(v) ? 'nearHops' : v.maxHops}
  AND (size($labels) = 0 OR any(l IN labels(target) WHERE l IN $labels))`;
const BY_DISTANCE: Ranked = {
  column: 'hops',
  hops: 'hops',
  search: (v) => `${reachable(v, DISTANCE)}
WITH start${carried(v)}, target, min(hops) AS hops
${kept(v)}`,
};
const BY_PATH: Ranked = {
  column: 'best',
  hops: 'size(best.rs)',
  search: (v) => `${reachable(v, PATH)}
WITH start${carried(v)}, target, ns, rs, size(rs) AS hops
${kept(v)}
WITH target, ns, rs ORDER BY size(rs)
WITH target, head(collect({ns: ns, rs: rs})) AS best`,
};

/**
 * The targets of `v`, nearest first. From a hub (a start with `$hubDegree` relationships or more) a
 * search bounded at NEAR_HOPS (REGION_NEAR_HOPS from a region) runs first: when it finds `$limit`
 * targets they are the nearest of the whole search too (a target's distance within the bound is its
 * distance), so the whole one is not run. From the 1M graph's hub element, the 100 facilities
 * depending on it all lie 2 hops away: 286,679 db hits and 110–290 ms against 1,506,408 and 1.0–1.6 s
 * for the 6-hop search alone; from its largest country, 909,935 against 3,965,515 (docs/performance.md).
 * Other starts, and a hub whose nearer search finds fewer, run the whole search (a hub then runs both,
 * in the same statement).
 */
function nearestFirst(v: Variant, ranked: Ranked): string {
  const { column, hops } = ranked;
  if (v.maxHops <= NEAR_HOPS) return ranked.search(v);
  const regionHops = Math.min(REGION_NEAR_HOPS, v.maxHops);
  return `CALL (start) {
  WITH start WHERE COUNT { (start)--() } >= $hubDegree
  WITH start, CASE WHEN start:Region THEN ${regionHops} ELSE ${NEAR_HOPS} END AS nearHops
  ${ranked.search({ ...v, maxHops: NEAR_HOPS, regionHops })}
  WITH target, ${column} ORDER BY ${hops}, target.name, target.id LIMIT $limit
  RETURN collect({target: target, ${column}: ${column}}) AS near
}
CALL (start, near) {
  WITH near WHERE size(near) >= $limit
  UNWIND near AS n
  RETURN n.target AS target, n.${column} AS ${column}
  UNION
  WITH start, near WHERE size(near) < $limit
  ${ranked.search(v)}
  RETURN target, ${column}
}`;
}

/**
 * Dependents (`down`) or dependencies (`up`) of `$id`, nearest first, at most `$limit`; with paths, one
 * shortest path to each. Without paths only distances go through the search. The entity ends the final
 * RETURN, where the request compiler appends what the selection below it reads (db/fold.ts).
 */
export function traversalQuery(v: Variant): Query<z.infer<typeof DEPENDENCY_ROW>> {
  checkBound(v.maxHops, MAX_HOPS, 'maxHops');
  return dependencyVariants.get(v.direction === 'down' ? 'dependents' : 'dependencies', variantKey(v), () =>
    v.withPaths
      ? `
MATCH (start:Entity {id: $id})
${nearestFirst(v, BY_PATH)}
WITH target, best, size(best.rs) AS hops ORDER BY hops, target.name, target.id LIMIT $limit
RETURN ${PATH_COLUMNS}, hops, ${RAW('target')} AS entity`
      : `
MATCH (start:Entity {id: $id})
${nearestFirst(v, BY_DISTANCE)}
WITH target, hops ORDER BY hops, target.name, target.id LIMIT $limit
RETURN [] AS nodes, [] AS links, hops, ${RAW('target')} AS entity`,
  );
}

/** Up to `first` shortest paths from `$from` to `$to` (a company or region as `to` ends at what it runs or contains). */
export function pathsQuery(direction: Direction, maxHops: number, first: number, time: TimeMode): Query<PathRow> {
  checkBound(maxHops, MAX_HOPS, 'maxHops');
  checkBound(first, MAX_PATHS, 'first');
  return pathVariants.get('paths', `${direction}:${maxHops}:${first}:${time}`, () => `
MATCH (start:Entity {id: $from}), (to:Entity {id: $to})
${entries(direction, time, ', to')}
MATCH p1 = SHORTEST ${first} (a)${hop(direction, FLOW, time)}{0,${maxHops}}(b WHERE b = to
  OR (to:Company AND EXISTS { (to)-[:OPERATES|HOLDS_LICENCE]->(b) })
  OR (to:Region AND EXISTS { (b)-[:LOCATED_IN|PART_OF*1..6]->(to) }))
WITH {ns: nodes(p0) + tail(nodes(p1)), rs: relationships(p0) + relationships(p1)} AS best
WHERE 0 < size(best.rs) <= ${maxHops}
RETURN ${PATH_COLUMNS}
ORDER BY size(links)
LIMIT ${first}`);
}

/** The stage matching `$stage` (id, or a word of its name) with every country share recorded for it. */
export const STAGE_SHARES = {
  name: 'stageShares',
  row: z.object({ stage: ENTITY, shares: z.array(z.object({ type: z.string(), props: PROPS, country: ENTITY })) }),
  cypher: `
MATCH (s:SupplyChainStage)
WHERE s.id = $stage OR toLower(s.name) CONTAINS toLower($stage)
WITH s ORDER BY CASE WHEN s.id = $stage THEN 0 ELSE 1 END, s.order LIMIT 1
OPTIONAL MATCH (c:Region)-[r:HAS_SHARE]->(s)
WITH s, c, r ORDER BY r.sharePct DESC
RETURN ${RAW('s')} AS stage,
  collect(CASE WHEN r IS NULL THEN NULL ELSE {type: type(r), props: properties(r), country: ${RAW('c')}} END) AS shares`,
};

/** The commodity name shares are recorded under for an element symbol. */
export const ELEMENT_COMMODITY = {
  name: 'elementCommodity',
  row: z.object({ commodity: z.string() }),
  cypher: `MATCH (e:Element {symbolUpper: $symbol})
RETURN CASE WHEN e.group = 'rare earth element' THEN 'rare earths' ELSE toLower(e.name) END AS commodity`,
};
