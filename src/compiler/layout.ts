import { RELATIONS, type RelationName, type RelationSpec } from '../db/queries/relations';
import type { Plan, RelationPlan } from './plan';

/**
 * Where each value sits in what a compiled statement fetched: cypher.ts writes every value at the
 * place its layout gives, prime.ts reads it from there, and both take the layout from the plan the
 * statement was compiled from, so the writer and the reader cannot disagree.
 *
 * Rows are flat lists of values, not maps: Bolt sends a map's keys with every map, and Neo4j, the
 * driver and prime.ts pay for every key and every level of every row. On the 1M graph's frontend
 * statement alone, the answer as flat lists was 1.36× the rate of the same answer as maps
 * (docs/performance.md). A layout holds a place only for what the plan asks, in this order:
 *
 *   node (NodeLayout):  its property values in nodeKeys' order (one map where the plan reads every
 *                       property), then what was fetched for it (FetchedLayout)
 *   fetched:            its sources (if the plan reads them), then each relation's rows, by the
 *                       relation's name (each a list of rows, or null for a node the relation's
 *                       labels do not ask)
 *   row (RowLayout):    the node at its other end as above, with, before what was fetched for that
 *                       node, its labels (unless the relation names its one label), the relationship's
 *                       type (a relation over several types), its property values in linkKeys' order,
 *                       its sources (whole: `[labels, properties]`), the nodes it names by id
 *                       (a flow's product, a bill's entries: each a list of named nodes)
 *   named node:         as a node, with its labels after its property values
 */

/** The place of a node's property values, and of what was fetched for it. */
export interface NodeLayout {
  /** The first of its property values (`keys`' order), or of its whole property map (`keys` null). */
  readonly n: number;
  readonly keys: readonly string[] | null;
  /** Its labels: a row's other end where its relation does not name its one label, a named node. */
  readonly labels: number | null;
  readonly fetched: FetchedLayout;
  /** How many values the list holds. */
  readonly width: number;
}

export interface FetchedLayout {
  /** Its sources (the values of each in `sourceKeys`' order), when the plan reads them. */
  readonly src: number | null;
  readonly sourceKeys: readonly string[] | null;
  /** Each relation the plan fetches, with the place of its rows. */
  readonly relations: readonly { readonly name: RelationName; readonly entry: RelationPlan; readonly at: number; readonly row: RowLayout }[];
}

export interface RowLayout extends NodeLayout {
  readonly type: number | null;
  /** The first of the relationship's property values, in `linkKeys`' order. */
  readonly props: number | null;
  readonly linkKeys: readonly string[] | null;
  readonly ls: number | null;
  readonly prod: number | null;
  readonly req: number | null;
  /** The layouts of the named nodes (a flow's product, a bill's entries). */
  readonly product: NodeLayout | null;
  readonly requires: NodeLayout | null;
}

/** Places values one after the other. */
class Places {
  width = 0;
  take(count = 1): number {
    const at = this.width;
    this.width += count;
    return at;
  }
  takeIf(wanted: boolean): number | null {
    return wanted ? this.take() : null;
  }
}

const rootCache = new WeakMap<Plan, FetchedLayout & { readonly width: number }>();

/** The layout of a root node's `fetched` column: what was fetched for it, from place 0. */
export function rootLayout(plan: Plan): FetchedLayout & { readonly width: number } {
  let layout = rootCache.get(plan);
  if (!layout) {
    const places = new Places();
    const fetched = fetchedLayout(plan, places);
    rootCache.set(plan, (layout = { ...fetched, width: places.width }));
  }
  return layout;
}

/** The layout of a node a relationship names by id: its values, its labels, what was fetched for it. */
function namedLayout(plan: Plan): NodeLayout {
  const places = new Places();
  const keys = nodeKeys(plan);
  const n = places.take(keys?.length ?? 1);
  const labels = places.take();
  const fetched = fetchedLayout(plan, places);
  return { n, keys, labels, fetched, width: places.width };
}

function fetchedLayout(plan: Plan, places: Places): FetchedLayout {
  const src = places.takeIf(plan.sources !== null);
  const sourceKeys = plan.sources ? nodeKeys(plan.sources) : null;
  const relations = [...plan.relations]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({ name, entry, at: places.take(), row: rowLayout(name, entry) }));
  return { src, sourceKeys, relations };
}

function rowLayout(name: RelationName, entry: RelationPlan): RowLayout {
  const spec: RelationSpec = RELATIONS[name];
  const places = new Places();
  const keys = nodeKeys(entry.other);
  const n = places.take(keys?.length ?? 1);
  const labels = places.takeIf(spec.target === undefined);
  const type = places.takeIf(severalTypes(name));
  const link = linkKeys(name, entry);
  const props = link ? places.take(link.length) : null;
  const ls = places.takeIf(entry.sources);
  const prod = places.takeIf(entry.product !== null);
  const req = places.takeIf(entry.requires !== null);
  const fetched = fetchedLayout(entry.other, places);
  return {
    n,
    keys,
    labels,
    type,
    props,
    linkKeys: link,
    ls,
    prod,
    req,
    product: entry.product && namedLayout(entry.product),
    requires: entry.requires && namedLayout(entry.requires),
    fetched,
    width: places.width,
  };
}

/** The properties of a plan's node, in the order of their values: its id and those its fields read; null for all of them (a map). */
export function nodeKeys(plan: Plan): readonly string[] | null {
  return plan.props === null ? null : [...new Set(['id', ...plan.props])].sort();
}

/**
 * The relationship properties a row brings, in the order of their values: those its selected fields
 * read and the `key` that orders rows of one node; null (no values) where such rows differ in nothing
 * the selection reads (no property of theirs, one type).
 */
function linkKeys(name: RelationName, entry: RelationPlan): readonly string[] | null {
  return entry.props.size > 0 || severalTypes(name) ? [...new Set([...entry.props, 'key'])].sort() : null;
}

/** Whether a relation spans several relationship types: its rows bring their type. */
const severalTypes = (name: RelationName): boolean => RELATIONS[name].types.length > 1;
