import type { Context } from '../context';
import { BadUserInputError, NotFoundError } from '../errors';
import { lookupId } from '../domain/records';
import { expectKind, ofKind, numberProp, optionalString, stringList, type EntityKindName, type EntityRecord } from '../db/models';
import { MAX_HOPS, MAX_PATHS, type Direction } from '../db/queries/traversal';
import { commodityOfElement, findPaths, sharesAtStage, traverse } from '../db/traversal';
import { impactOf } from '../db/impact';
import type {
  CountryShareResolvers,
  DependencyResolvers,
  ImpactResolvers,
  ImpactedEntityResolvers,
  PathResolvers,
  QueryResolvers,
  ShareBreakdownResolvers,
} from '../generated/graphql';
import { sourcesOf } from './helpers';
import { selects } from './selection';
import { foldFor } from '../compiler';
import type { GraphQLResolveInfo } from 'graphql';

const MAX_RESULTS = 500;
const MAX_DISRUPTED = 20;

function inRange(value: number, min: number, max: number, argument: string, limit: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`"${argument}" must be between ${min} and ${max} (${limit}); got ${value}`, argument);
  }
  return value;
}

const hops = (value: number | null | undefined, fallback: number) => inRange(value ?? fallback, 1, MAX_HOPS, 'maxHops', `the hop limit is ${MAX_HOPS}`);
const year = (value: number | null | undefined) => (value == null ? null : inRange(value, 1800, 2100, 'asOf', 'a calendar year'));

/** Loads an entity a traversal starts from; a missing one is NOT_FOUND, not an empty answer. */
async function entity(ctx: Context, id: string, argument: string): Promise<EntityRecord> {
  const node = await ctx.loaders.node.load(lookupId(id, argument));
  if (!node || node.__typename !== 'Entity') throw new NotFoundError('Entity', id);
  return node;
}

interface TraversalArgs {
  maxHops?: number | null;
  kinds?: readonly EntityKindName[] | null;
  asOf?: number | null;
  includeHistorical?: boolean | null;
  first?: number | null;
}

// A traversal that finds anything matched its start by that id: it exists, and the answer costs one
// round trip. Only an empty answer asks whether the start exists: a missing one is NOT_FOUND, and a
// former id (a renamed or merged entity) resolves to the entity, from whose current id it runs again.

/** Dependents or dependencies as the field `info` resolves: with paths when it selects them, its entities' selection folded in. */
async function dependencyList(ctx: Context, id: string, direction: Direction, args: TraversalArgs, info: GraphQLResolveInfo) {
  const fold = foldFor(ctx, info, ['entity']);
  const options = {
    withPaths: selects(info, 'path'),
    maxHops: hops(args.maxHops, 6),
    kinds: args.kinds ?? null,
    asOf: year(args.asOf),
    includeHistorical: args.includeHistorical ?? false,
    limit: inRange(args.first ?? 100, 1, MAX_RESULTS, 'first', `at most ${MAX_RESULTS} results`),
  };
  const dependencies = await traverse(ctx.db, id, direction, options, fold);
  if (dependencies.length > 0) return dependencies;
  const start = await entity(ctx, id, 'of');
  return start.id === id ? dependencies : traverse(ctx.db, start.id, direction, options, fold);
}

/** `impact`'s arguments, checked (BAD_USER_INPUT): the distinct disrupted ids and the traversal's options. */
function impactArguments(ids: readonly string[], asOf: number | null | undefined, maxHops: number | null | undefined) {
  inRange(ids.length, 1, MAX_DISRUPTED, 'of', `at most ${MAX_DISRUPTED} disrupted entities`);
  return { unique: [...new Set(ids)], options: { maxHops: hops(maxHops, 8), asOf: year(asOf), limit: MAX_RESULTS } };
}

/** Fails as `impact` would on its arguments (BAD_USER_INPUT, NOT_FOUND), without computing it (`Subscription.impactChanged`). */
export async function checkImpactArguments(ctx: Context, ids: readonly string[], asOf: number | null | undefined, maxHops: number | null | undefined): Promise<void> {
  const { unique } = impactArguments(ids, asOf, maxHops);
  await Promise.all(unique.map((id) => entity(ctx, id, 'of')));
}

/** `impact(of:)`, also for `Subscription.impactChanged`. Impact always builds its paths: they come from the rule's breadth-first search, not from a heavier statement. */
export async function impact(ctx: Context, ids: readonly string[], asOf: number | null | undefined, maxHops: number | null | undefined) {
  const { unique, options } = impactArguments(ids, asOf, maxHops);
  const { impact, matched } = await impactOf(ctx.db, unique, options);
  // As for a traversal: a disrupted entity the statement started from costs no lookup. Only the others
  // are looked up; a missing one is NOT_FOUND, and a former id resolves, from which impact runs again.
  const disrupted = await Promise.all(unique.map((id) => matched.get(id) ?? entity(ctx, id, 'of')));
  if (disrupted.every((d, i) => d.id === unique[i])) return { disrupted, ...impact };
  const byId = new Map(disrupted.map((d) => [d.id, d]));
  return { disrupted: [...byId.values()], ...(await impactOf(ctx.db, [...byId.keys()], options)).impact };
}

export const traversalQueries: Pick<QueryResolvers, 'dependents' | 'dependencies' | 'paths' | 'impact' | 'supplyShares'> = {
  dependents: (_p, args, ctx, info) => dependencyList(ctx, args.of, 'down', args, info),
  dependencies: (_p, args, ctx, info) => dependencyList(ctx, args.of, 'up', args, info),
  paths: async (_p, args, ctx) => {
    const options = {
      maxHops: hops(args.maxHops, 8),
      first: inRange(args.first ?? 5, 1, MAX_PATHS, 'first', `at most ${MAX_PATHS} paths`),
      asOf: year(args.asOf),
      includeHistorical: args.includeHistorical ?? false,
    };
    const direction = args.direction === 'UPSTREAM' ? 'up' : 'down';
    const paths = await findPaths(ctx.db, args.from, args.to, direction, options);
    if (paths.length > 0) return paths;
    const [from, to] = await Promise.all([entity(ctx, args.from, 'from'), entity(ctx, args.to, 'to')]);
    return from.id === args.from && to.id === args.to ? paths : findPaths(ctx.db, from.id, to.id, direction, options);
  },
  impact: (_p, args, ctx) => impact(ctx, args.of, args.asOf, args.maxHops),
  supplyShares: async (_p, args, ctx) => {
    if (args.stage.length === 0 || args.stage.length > 100) throw new BadUserInputError('"stage" must be 1 to 100 characters', 'stage');
    let commodity = 'rare earths';
    if (args.element != null) {
      if (!/^[A-Za-z]{1,3}$/.test(args.element)) throw new BadUserInputError(`"element" must be a chemical symbol (got "${args.element}")`, 'element');
      const found = await commodityOfElement(ctx.db, args.element);
      if (!found) throw new NotFoundError('Element', args.element);
      commodity = found;
    }
    const breakdown = await sharesAtStage(ctx.db, args.stage, commodity, year(args.year));
    if (!breakdown) throw new NotFoundError('Supply-chain stage', args.stage);
    return breakdown;
  },
};

/** The same traversals as fields of the entity types (one query per parent: for single entities). */
type FieldArgs = { maxHops?: number | null; kinds?: readonly EntityKindName[] | null; asOf?: number | null };
export const dependentsField = (parent: EntityRecord, args: FieldArgs, ctx: Context, info: GraphQLResolveInfo) =>
  dependencyList(ctx, parent.id, 'down', args, info);
export const dependenciesField = (parent: EntityRecord, args: FieldArgs, ctx: Context, info: GraphQLResolveInfo) =>
  dependencyList(ctx, parent.id, 'up', args, info);
export const impactField = (parent: EntityRecord, args: { asOf?: number | null }, ctx: Context) =>
  impact(ctx, [parent.id], args.asOf, null);

export const Path: PathResolvers = {
  length: (p) => p.links.length,
  nodes: (p) => [...p.nodes],
  links: (p) => [...p.links],
};

export const Dependency: DependencyResolvers = {};

export const ImpactedEntity: ImpactedEntityResolvers = {
  fullyExposed: (a) => a.stops,
  alternatives: (a) => [...a.alternatives],
  lostOutputs: (a) => a.lostOutputs.filter(ofKind('PRODUCT')),
  lostInputs: (a) => [...a.lostInputs],
};

export const Impact: ImpactResolvers = {
  disrupted: (i) => [...i.disrupted],
  affected: (i) => [...i.affected],
  byKind: (i) => [...i.byKind],
  byStage: (i) => [...i.byStage],
  byCountry: (i) => [...i.byCountry],
};

export const CountryShare: CountryShareResolvers = {
  country: (r) => expectKind('REGION', r.from),
  sharePct: (r) => numberProp(r.props, 'sharePct'),
  metric: (r) => optionalString(r.props.metric),
  derived: (r) => r.props.derived === true,
  sources: (r, _a, ctx) => sourcesOf(ctx, stringList(r.props.sourceIds)),
};

export const ShareBreakdown: ShareBreakdownResolvers = {
  shares: (b) => [...b.shares],
};
