import type { QueryResolvers } from '../generated/graphql';
import { BadUserInputError } from '../errors';
import { lookupId } from '../domain/records';
import { expectKind } from '../db/models';
import { fetchFigurePage, fetchPage, fetchSourcePage, listStages, type PageArgs } from '../db/pages';
import { elementBySymbol, searchEntities } from '../db/search';
import type { EntityListName } from '../db/queries/lists';
import type { Context } from '../context';
import type { GraphQLResolveInfo } from 'graphql';
import { foldFor, nodesWithFold } from '../compiler';
import { traversalQueries } from './traversal';
import { capacityQuery } from './capacity';
import { listChanges } from '../db/audit';
import { isIsoDateTime } from '../dateTime';

const MAX_IDS = 100;
const MAX_SEARCH_HITS = 100;
const MAX_CHANGES = 500;

const checkId = lookupId;

const list = (name: EntityListName) => (_parent: unknown, args: PageArgs, ctx: Context, info: GraphQLResolveInfo) =>
  fetchPage(ctx.db, name, args, foldFor(ctx, info, ['edges', 'node']));

export const Query: QueryResolvers = {
  ...traversalQueries,
  ...capacityQuery,
  node: async (_p, { id }, ctx, info) => {
    const key = checkId(id, 'id');
    const fold = foldFor(ctx, info);
    return fold ? ((await nodesWithFold(ctx, [key], fold))[0] ?? null) : ctx.loaders.node.load(key);
  },
  nodes: async (_p, { ids }, ctx, info) => {
    if (ids.length > MAX_IDS) throw new BadUserInputError(`"ids" takes at most ${MAX_IDS} ids (got ${ids.length})`, 'ids');
    const keys = ids.map((id) => checkId(id, 'ids'));
    const fold = foldFor(ctx, info);
    if (fold) return nodesWithFold(ctx, keys, fold);
    const nodes = await ctx.loaders.node.loadMany(keys);
    return nodes.map((n) => {
      if (n instanceof Error) throw n;
      return n;
    });
  },
  source: async (_p, { id }, ctx) => {
    const node = await ctx.loaders.node.load(checkId(id, 'id'));
    return node?.__typename === 'Source' ? node : null;
  },
  search: async (_p, { text, kinds, first }, ctx, info) => {
    if (text.length === 0 || text.length > 200) throw new BadUserInputError('"text" must be 1 to 200 characters', 'text');
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_HITS) {
      throw new BadUserInputError(`"first" must be between 1 and ${MAX_SEARCH_HITS}`, 'first');
    }
    return searchEntities(ctx.db, text, kinds ?? [], limit, foldFor(ctx, info, ['entity']));
  },
  element: async (_p, { symbol }, ctx, info) => {
    if (!/^[A-Za-z]{1,3}$/.test(symbol)) throw new BadUserInputError(`"symbol" must be a chemical symbol such as Nd (got "${symbol}")`, 'symbol');
    const found = await elementBySymbol(ctx.db, symbol, foldFor(ctx, info));
    return found && expectKind('ELEMENT', found);
  },
  changes: async (_p, { since, entity, kinds, first, after }, ctx) => {
    if (since != null && !isIsoDateTime(since)) {
      throw new BadUserInputError(`"since" must be an ISO 8601 date-time such as 2026-11-23T00:00:00Z (got "${since}")`, 'since');
    }
    const limit = first ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES) throw new BadUserInputError(`"first" must be between 1 and ${MAX_CHANGES}`, 'first');
    return listChanges(ctx.db, { since: since ?? null, entity: entity == null ? null : checkId(entity, 'entity'), actions: kinds == null ? null : [...new Set(kinds)], after: after ?? null, first: limit });
  },
  elements: list('Element'),
  deposits: list('Deposit'),
  regions: list('Region'),
  companies: list('Company'),
  facilities: list('Facility'),
  products: list('Product'),
  stages: (_p, _a, ctx, info) => listStages(ctx.db, foldFor(ctx, info)),
  sources: (_p, args, ctx) => fetchSourcePage(ctx.db, args),
  figures: (_p, args, ctx, info) => fetchFigurePage(ctx.db, args, foldFor(ctx, info, ['edges', 'node'])),
};
