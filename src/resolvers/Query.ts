import type { QueryResolvers } from '../generated/graphql';
import { BadUserInputError } from '../errors';
import { ENTITY_LABELS } from '../domain/graphModel';
import { ELEMENT_BY_SYMBOL, SEARCH_ENTITIES } from '../db/queries/nodes';
import { fetchPage, type PageArgs } from '../db/pages';
import { toLuceneQuery } from '../db/search';
import type { ListName } from '../db/queries/lists';
import neo4j from 'neo4j-driver';
import type { Context } from '../context';
import { traversalQueries } from './traversal';
import { listChanges } from '../db/audit';
import { isIsoDateTime } from '../dateTime';

const MAX_IDS = 100;
const MAX_SEARCH_HITS = 100;
const MAX_CHANGES = 500;

function checkId(id: string, argument: string): string {
  if (id.length === 0 || id.length > 200) throw new BadUserInputError(`"${argument}" must be a non-empty id of at most 200 characters`, argument);
  return id;
}

const list = (name: ListName) => (_parent: unknown, args: PageArgs, ctx: Context) => fetchPage(ctx.db, name, args);

export const Query: QueryResolvers = {
  ...traversalQueries,
  node: (_p, { id }, ctx) => ctx.loaders.node.load(checkId(id, 'id')),
  nodes: async (_p, { ids }, ctx) => {
    if (ids.length > MAX_IDS) throw new BadUserInputError(`"ids" takes at most ${MAX_IDS} ids (got ${ids.length})`, 'ids');
    const nodes = await ctx.loaders.node.loadMany(ids.map((id) => checkId(id, 'ids')));
    return nodes.map((n) => {
      if (n instanceof Error) throw n;
      return n;
    });
  },
  source: async (_p, { id }, ctx) => {
    const node = await ctx.loaders.node.load(checkId(id, 'id'));
    return node?.__typename === 'Source' ? node : null;
  },
  search: async (_p, { text, kinds, first }, ctx) => {
    if (text.length === 0 || text.length > 200) throw new BadUserInputError('"text" must be 1 to 200 characters', 'text');
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_HITS) {
      throw new BadUserInputError(`"first" must be between 1 and ${MAX_SEARCH_HITS}`, 'first');
    }
    const query = toLuceneQuery(text);
    if (query === null) return [];
    const labels = (kinds ?? []).map((kind) => ENTITY_LABELS[kind]);
    const rows = await ctx.db.read(SEARCH_ENTITIES, { query, labels, limit: neo4j.int(limit) });
    return rows.map((row) => ({ entity: row.node, score: row.score }));
  },
  element: async (_p, { symbol }, ctx) => {
    if (!/^[A-Za-z]{1,3}$/.test(symbol)) throw new BadUserInputError(`"symbol" must be a chemical symbol such as Nd (got "${symbol}")`, 'symbol');
    const [row] = await ctx.db.read(ELEMENT_BY_SYMBOL, { symbol: symbol.toUpperCase() });
    return row?.node ?? null;
  },
  changes: async (_p, { since, entity, first, after }, ctx) => {
    if (since != null && !isIsoDateTime(since)) {
      throw new BadUserInputError(`"since" must be an ISO 8601 date-time such as 2026-11-23T00:00:00Z (got "${since}")`, 'since');
    }
    const limit = first ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES) throw new BadUserInputError(`"first" must be between 1 and ${MAX_CHANGES}`, 'first');
    return listChanges(ctx.db, { since: since ?? null, entity: entity == null ? null : checkId(entity, 'entity'), after: after ?? null, first: neo4j.int(limit) });
  },
  elements: list('Element'),
  deposits: list('Deposit'),
  regions: list('Region'),
  companies: list('Company'),
  facilities: list('Facility'),
  products: list('Product'),
};
