import { z } from 'zod';
import { BadUserInputError } from '../../errors';
import { entityKindOf, type EntityLabel } from '../../domain/graphModel';
import { storedWord } from '../../domain/words';
import { isRecord } from '../../domain/guards';
import { ENTITY } from '../rows';
import { REQUIRED_STORED } from '../../domain/records';

/**
 * Compiles the `where` grammar of the root lists into a Cypher predicate with parameters. Property
 * names and patterns come from the fixed tables below; every value a client sends becomes a parameter.
 */

/** `date`: an ISO 8601 string (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), compared as text (`eq`, `startsWith`, `lt`, `gte`). */
type FieldKind = 'id' | 'string' | 'int' | 'status' | 'date';
/**
 * A relationship filter: a pattern that must exist from the node `n` to the node with id/symbol `$p`.
 * `anchor`: the one-hop pattern to the node with the given id. Given at the top of `where`, the page
 * matches it rather than testing it on each node, so the planner can start from that node (a product's
 * makers: 83 db hits on the 1M graph, where reading the facilities in name order and testing each made
 * 4.5 million, 2 s).
 */
type RelationFilter = { readonly pattern: string; readonly value: 'id' | 'symbol' | 'boolean' | 'enum'; readonly anchor?: string };

/** A relationship filter to the node with the given id, one hop from `n` along `path` (`(n)-[:PRODUCES]->`). */
const oneHop = (path: string): RelationFilter => {
  const anchor = `${path}(:Entity {id: $p})`;
  return { pattern: `EXISTS { ${anchor} }`, value: 'id', anchor };
};

/** The label of a list's nodes: an entity label, or one of the nodes that are not entities (sources, figures). */
export type ListLabel = EntityLabel | 'Source' | 'Figure';

export interface ListSpec {
  readonly label: ListLabel;
  readonly fields: Readonly<Record<string, { property: string; kind: FieldKind }>>;
  readonly relations: Readonly<Record<string, RelationFilter>>;
  /**
   * Sort field → property; `number` keys sort missing values as -1. `few`: the property has few
   * distinct values (a status, a kind), so its index (schema.ts) holds `id` too, the order's tie-break.
   */
  readonly sorts: Readonly<Record<string, { property: string; type: 'string' | 'number'; few?: true }>>;
  readonly defaultSort: string;
}

// Up from the node's region to the one with the given id: with that region labelled and named by id,
// the planner started from it and walked down to every region below it, once per node tested (a
// country's companies on the 1M graph did not answer in 20 s; 15–41 ms this way).
const IN_REGION = '(:Region)-[:PART_OF*0..8]->(top) WHERE top.id = $p';
const common = { id: { property: 'id', kind: 'id' }, name: { property: 'name', kind: 'string' } } as const;

export const LIST_SPECS = {
  Element: {
    label: 'Element',
    fields: { ...common, symbol: { property: 'symbol', kind: 'string' }, atomicNumber: { property: 'atomicNumber', kind: 'int' } },
    relations: {
      reeClass: { pattern: 'n.reeClass = toLower($p)', value: 'enum' },
      rareEarth: { pattern: "(n.group = 'rare earth element') = $p", value: 'boolean' },
    },
    sorts: { NAME: { property: 'name', type: 'string' }, ATOMIC_NUMBER: { property: 'atomicNumber', type: 'number' }, SYMBOL: { property: 'symbol', type: 'string' } },
    defaultSort: 'ATOMIC_NUMBER',
  },
  Deposit: {
    label: 'Deposit',
    fields: { ...common, status: { property: 'status', kind: 'status' } },
    relations: {
      element: { pattern: 'EXISTS { (n)-[:CONTAINS]->(:Element {symbolUpper: toUpper($p)}) }', value: 'symbol' },
      inRegion: { pattern: `EXISTS { (n)-[:LOCATED_IN]->${IN_REGION} }`, value: 'id' },
      holder: oneHop('(n)<-[:HOLDS_LICENCE]-'),
    },
    sorts: { NAME: { property: 'name', type: 'string' }, STATUS: { property: 'status', type: 'string', few: true } },
    defaultSort: 'NAME',
  },
  Region: {
    label: 'Region',
    fields: { ...common, kind: { property: 'kind', kind: 'string' } },
    relations: {
      parent: oneHop('(n)-[:PART_OF]->'),
      inRegion: { pattern: 'EXISTS { (n)-[:PART_OF*1..8]->(top) WHERE top.id = $p }', value: 'id' },
    },
    sorts: { NAME: { property: 'name', type: 'string' }, KIND: { property: 'kind', type: 'string', few: true } },
    defaultSort: 'NAME',
  },
  Company: {
    label: 'Company',
    fields: { ...common, kind: { property: 'kind', kind: 'string' } },
    relations: {
      country: { pattern: `EXISTS { (n)-[:HEADQUARTERED_IN]->${IN_REGION} }`, value: 'id' },
      parent: { pattern: 'EXISTS { (n)-[:SUBSIDIARY_OF]->(:Entity {id: $p}) } OR EXISTS { (:Entity {id: $p})-[:OWNS]->(n) }', value: 'id' },
    },
    sorts: { NAME: { property: 'name', type: 'string' }, KIND: { property: 'kind', type: 'string', few: true } },
    defaultSort: 'NAME',
  },
  Facility: {
    label: 'Facility',
    fields: { ...common, kind: { property: 'kind', kind: 'string' }, status: { property: 'status', kind: 'status' }, startYear: { property: 'startYear', kind: 'int' } },
    relations: {
      // Not anchored: a stage is a hub (a fifth of the facilities), so reading in order and testing each is cheaper.
      stage: { pattern: 'EXISTS { (n)-[:AT_STAGE]->(:Entity {id: $p}) }', value: 'id' },
      operator: oneHop('(n)<-[:OPERATES]-'),
      product: oneHop('(n)-[:PRODUCES]->'),
      // A facility is in a region when it, or a site it is part of, is located there or below.
      inRegion: { pattern: `EXISTS { (n)-[:PART_OF*0..3]->(:Facility)-[:LOCATED_IN]->${IN_REGION} }`, value: 'id' },
    },
    sorts: {
      NAME: { property: 'name', type: 'string' },
      START_YEAR: { property: 'startYear', type: 'number' },
      STATUS: { property: 'status', type: 'string', few: true },
      KIND: { property: 'kind', type: 'string', few: true },
      CAPACITY: { property: 'capacityValue', type: 'number' },
    },
    defaultSort: 'NAME',
  },
  Product: {
    label: 'Product',
    fields: { ...common, kind: { property: 'kind', kind: 'string' } },
    relations: {
      stage: { pattern: 'EXISTS { (n)-[:AT_STAGE]->(:Entity {id: $p}) }', value: 'id' },
      element: { pattern: 'EXISTS { (n)-[:CONTAINS]->(:Element {symbolUpper: toUpper($p)}) }', value: 'symbol' },
    },
    sorts: { NAME: { property: 'name', type: 'string' }, KIND: { property: 'kind', type: 'string', few: true } },
    defaultSort: 'NAME',
  },
  Source: {
    label: 'Source',
    fields: {
      id: { property: 'id', kind: 'id' },
      title: { property: 'title', kind: 'string' },
      publisher: { property: 'publisher', kind: 'string' },
      date: { property: 'date', kind: 'date' },
    },
    relations: {
      // The sources an entity or a figure cites for its own record (its stored `sourceIds`).
      cites: {
        pattern: 'EXISTS { MATCH (c:Entity {id: $p}) WHERE n.id IN c.sourceIds } OR EXISTS { MATCH (c:Figure {id: $p}) WHERE n.id IN c.sourceIds }',
        value: 'id',
      },
    },
    sorts: { TITLE: { property: 'title', type: 'string' }, DATE: { property: 'date', type: 'string' }, ID: { property: 'id', type: 'string' } },
    defaultSort: 'TITLE',
  },
  Figure: {
    label: 'Figure',
    fields: { id: { property: 'id', kind: 'id' }, metric: { property: 'metric', kind: 'string' }, year: { property: 'year', kind: 'int' } },
    relations: {
      country: oneHop('(n)<-[:HAS_FIGURE]-'),
    },
    sorts: { YEAR: { property: 'year', type: 'number' }, METRIC: { property: 'metric', type: 'string', few: true } },
    defaultSort: 'YEAR',
  },
} as const satisfies Record<string, ListSpec>;

export type ListName = keyof typeof LIST_SPECS;

/** The lists whose nodes are entities (decoded as entity models; the others hold sources and figures). */
export type EntityListName = { [L in ListName]: (typeof LIST_SPECS)[L]['label'] extends EntityLabel ? L : never }[ListName];

/** At most this many stages in `stages` (a plain list: there are a handful). */
export const MAX_STAGES = 200;

/** Every supply-chain stage in chain order (`order`, then id), mining first. */
export const ALL_STAGES = {
  name: 'list.stages',
  row: z.object({ node: ENTITY }),
  cypher: `MATCH (n:SupplyChainStage) WITH n ORDER BY n.order, n.id LIMIT $limit
RETURN {labels: labels(n), props: properties(n)} AS node`,
};

const MAX_FILTER_DEPTH = 5;
const MAX_IN_VALUES = 100;

class FilterCompiler {
  readonly params: Record<string, unknown> = {};
  /** The anchored relationship filters given at the top of `where`, as patterns to match (see RelationFilter). */
  readonly anchors: string[] = [];
  /** Whether a filter compares `id`: an entity list then matches `:Entity` too, whose `id` has a unique index. */
  byId = false;
  private counter = 0;

  constructor(private readonly spec: ListSpec) {}

  private param(value: unknown): string {
    const name = `f${this.counter++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  /** `where` comes from GraphQL, which has checked its shape; the checks here only narrow its type. */
  compile(where: unknown, depth = 0): string {
    if (!where) return 'true';
    if (!isRecord(where)) throw new BadUserInputError('"where" takes an object of filters', 'where');
    if (depth > MAX_FILTER_DEPTH) throw new BadUserInputError(`"where" may nest AND/OR/NOT at most ${MAX_FILTER_DEPTH} deep`, 'where');
    const parts: string[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined || value === null) continue;
      if (key === 'AND' || key === 'OR') {
        if (!Array.isArray(value)) throw new BadUserInputError(`"where.${key}" takes a list of filters`, 'where');
        if (value.length === 0) continue;
        parts.push(`(${value.map((w: unknown) => this.compile(w, depth + 1)).join(key === 'AND' ? ' AND ' : ' OR ')})`);
      } else if (key === 'NOT') {
        parts.push(`NOT (${this.compile(value, depth + 1)})`);
      } else if (key in this.spec.fields) {
        const field = this.spec.fields[key]!;
        if (!isRecord(value)) throw new BadUserInputError(`"where.${key}" takes an object of operators`, 'where');
        if (field.kind === 'id') this.byId = true;
        parts.push(this.field(`n.${field.property}`, field.kind, value, key));
      } else if (key in this.spec.relations) {
        const relation = this.spec.relations[key]!;
        const p = this.param(value);
        if (depth === 0 && relation.anchor) this.anchors.push(relation.anchor.replace(/\$p/g, p));
        else parts.push(`(${relation.pattern.replace(/\$p/g, p)})`);
      } else {
        throw new BadUserInputError(`Unknown filter field "${key}"`, 'where');
      }
    }
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  }

  private field(expr: string, kind: FieldKind, filter: Record<string, unknown>, name: string): string {
    const parts: string[] = [];
    for (const [op, raw] of Object.entries(filter)) {
      if (raw === undefined || raw === null) continue;
      if (Array.isArray(raw) && raw.length > MAX_IN_VALUES) {
        throw new BadUserInputError(`"where.${name}.${op}" takes at most ${MAX_IN_VALUES} values`, 'where');
      }
      const value = kind === 'status' ? (Array.isArray(raw) ? raw.map((v) => storedWord(String(v))) : storedWord(String(raw))) : raw;
      switch (op) {
        case 'eq': parts.push(`${expr} = ${this.param(value)}`); break;
        case 'in': parts.push(`${expr} IN ${this.param(value)}`); break;
        case 'contains': parts.push(`toLower(${expr}) CONTAINS toLower(${this.param(value)})`); break;
        case 'startsWith': parts.push(`toLower(${expr}) STARTS WITH toLower(${this.param(value)})`); break;
        case 'lt': parts.push(`${expr} < ${this.param(value)}`); break;
        case 'lte': parts.push(`${expr} <= ${this.param(value)}`); break;
        case 'gt': parts.push(`${expr} > ${this.param(value)}`); break;
        case 'gte': parts.push(`${expr} >= ${this.param(value)}`); break;
        default: throw new BadUserInputError(`Unknown operator "${op}" on "where.${name}"`, 'where');
      }
    }
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  }
}

/** Whether every node of the list's label has the property (its record schema requires it). */
export function everyNodeHas(spec: ListSpec, property: string): boolean {
  return REQUIRED_STORED[spec.label]?.includes(property) ?? false;
}

export interface ListQuery {
  readonly pageCypher: string;
  readonly countCypher: string;
  readonly params: Record<string, unknown>;
}

/**
 * The page query: filter, keyset condition, order by (key, id), limit. `after` holds the position to
 * start after in the scan order (which is reversed for `last`/`before`).
 *
 * A property every node of the label has is sorted as stored, and read from its index (schema.ts) in
 * order: the first page stops at its limit (`IS NOT NULL`, true of every node, lets the planner use the
 * index), and a page after a cursor is two index seeks, the rest of the cursor's key (`key = $afterKey
 * AND id > $afterId`) and the keys after it, each cut at the limit, so it costs what the first page
 * costs however deep it is. One condition `key > $afterKey OR (key = $afterKey AND id > $afterId)`
 * read the index from its start to the cursor (400,000 db hits for a page of facilities by name deep
 * in the 1M graph).
 *
 * A property some nodes lack (a start year, a capacity) sorts as `coalesce(property, -1)` (or `''`), so
 * the missing values come first ascending and last descending. No index holds a missing value, so such
 * a list is two segments, each read in an index's order: the nodes that have the property, from its
 * `(property, id)` index, and those that lack it, from the label's `id` index, tested one by one. The
 * second segment is read only when the first leaves the page short. Sorted as one key, the list read
 * and sorted every match (facilities by `START_YEAR` on the 1M graph: 1.35 million db hits).
 */
export function buildListQuery(
  spec: ListSpec,
  where: Record<string, unknown> | null | undefined,
  sort: { field: string; descending: boolean },
  after: { key: string | number; id: string } | null,
): ListQuery {
  const compiler = new FilterCompiler(spec);
  const predicate = compiler.compile(where);
  const s = spec.sorts[sort.field];
  if (!s) throw new BadUserInputError(`Unknown sort field "${sort.field}"`, 'sort');
  const present = everyNodeHas(spec, s.property);
  const cmp = sort.descending ? '<' : '>';
  const dir = sort.descending ? 'DESC' : 'ASC';
  const labels = compiler.byId && entityKindOf([spec.label]) ? `${spec.label}:Entity` : spec.label;
  // Anchored filters are matched (one row per path), so the nodes are made distinct again.
  const match =
    compiler.anchors.length === 0
      ? `MATCH (n:${labels}) WHERE (${predicate})`
      : `MATCH (n:${labels}), ${compiler.anchors.join(', ')}\nWITH DISTINCT n WHERE (${predicate})`;
  const order = `ORDER BY sortKey ${dir}, n.id ${dir} LIMIT $limit`;
  const result = 'RETURN {labels: labels(n), props: properties(n)} AS node, sortKey';
  const params = { ...compiler.params, ...(after ? { afterKey: after.key, afterId: after.id } : {}) };
  const countCypher = `${match} RETURN count(n) AS total`;
  const key = `n.${s.property}`;
  // A (property, id) index gives its order only with a predicate on `id` too, so only `few` and optional
  // sorts add one: on a name sort, `id IS NOT NULL` made the planner seek the (status, id) index of a
  // status filter and sort every match (1M: 756,000 db hits, 300 ms, against 334 reading the name index).
  const idToo = s.few || !present ? ' AND n.id IS NOT NULL' : '';
  const inIndexOrder = `ORDER BY ${key} ${dir}, n.id ${dir} LIMIT $limit`;
  const fromFirst = `${match} AND ${key} IS NOT NULL${idToo}`;
  // The nodes that have the property, from the cursor's position if it is among them. After a cursor,
  // two seeks each ordered by (key, id), as the index is, even where the key is one value (ordered by
  // id alone, the part's every match was read and sorted).
  const having = (from: { key: string | number; id: string } | null): string =>
    from
      ? `CALL () {
  ${match} AND ${key} = $afterKey AND n.id ${cmp} $afterId
  WITH n ${inIndexOrder} RETURN n
  UNION ALL
  ${match} AND ${key} ${cmp} $afterKey${idToo}
  WITH n ${inIndexOrder} RETURN n
}`
      : `${fromFirst}\nWITH n ${inIndexOrder}`;
  if (present) {
    const page = after ? having(after) : fromFirst;
    return { pageCypher: `${page}\nWITH n, ${key} AS sortKey ${order}\n${result}`, countCypher, params };
  }

  const missing = s.type === 'number' ? { key: -1, literal: '-1' } : { key: '', literal: "''" };
  const sortKey = `coalesce(${s.type === 'number' ? key : `toString(${key})`}, ${missing.literal})`;
  // The segment read second seeks from a bound that is null when the first filled the page, so its index
  // seek reads nothing. A condition on the count beside the others was tested on every index entry (the
  // whole index read, every entry rejected).
  const ifShort = (bound: string): string => `CASE WHEN size(first) < $limit THEN ${bound} END`;
  const lacking = (from: 'start' | 'cursor' | 'short'): string => {
    // Ids are never empty, so `> ''` is every id.
    const bound = from === 'cursor' ? `${cmp} $afterId` : from === 'short' ? `> ${ifShort("''")}` : 'IS NOT NULL';
    return `${match} AND ${key} IS NULL AND n.id ${bound}\nWITH n ORDER BY n.id ${dir} LIMIT $limit`;
  };
  // Present values are above the missing key (years from 1800, positive capacities, dated sources).
  const havingIfShort = `${match} AND ${key} > ${ifShort(missing.literal)} AND n.id IS NOT NULL\nWITH n ${inIndexOrder}`;
  // In scan order: ascending, the nodes lacking the property, then those having it; descending, the reverse.
  const inMissing = after !== null && after.key === missing.key;
  const segments = sort.descending
    ? inMissing ? [lacking('cursor')] : [having(after), lacking('short')]
    : inMissing ? [lacking('cursor'), havingIfShort] : after ? [having(after)] : [lacking('start'), havingIfShort];
  const [first, second] = segments as [string, string | undefined];
  const pageCypher = second
    ? `CALL () {
${first}
RETURN n
}
WITH collect(n) AS first
CALL (first) {
  ${second.replace(/\n/g, '\n  ')}
  RETURN collect(n) AS second
}
UNWIND first + second AS n
WITH n, ${sortKey} AS sortKey ${order}
${result}`
    : `${first}\nWITH n, ${sortKey} AS sortKey ${order}\n${result}`;
  return { pageCypher, countCypher, params };
}
