import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, getNamedType, getNullableType, isListType, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import type { DocumentNode } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import type { Context } from '../context';
import type { Caller } from '../auth';
import { DEFAULT_PAGE_SIZE } from '../db/pages';

/**
 * Query limits. Depth, aliases, directives and tokens are checked by GraphQL Armor before execution
 * (they name the limit in `extensions.limit`); tokens are limited by the GraphQL parser (a parse error);
 * the cost is checked per request against the caller's budget (anonymous callers get the smaller one).
 */

type Limits = Config['limits'];

/**
 * Reports a rejection with the limit it hit. (Armor's own Apollo reporter drops every extension but a
 * code, so rejection is reported here instead: `propagateOnRejection: false` keeps Armor from reporting too.)
 */
function reject(limit: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit } }));
      },
    ],
  };
}

export interface ArmorProtection {
  readonly plugins: ApolloServerPlugin<Context>[];
  readonly validationRules: ValidationRule[];
}

export function armorProtection(limits: Limits, production: boolean): ArmorProtection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ...reject('maxDepth') },
    // `__typename` aliases count too (Armor's default allow-list exempts them, so 1,500 of them passed).
    maxAliases: { n: limits.maxAliases, allowList: [], ...reject('maxAliases') },
    maxDirectives: { n: limits.maxDirectives, ...reject('maxDirectives') },
    // Tokens are limited by the parser itself (`parseOptions.maxTokens` in server.ts): Armor's Apollo
    // token plugin throws from a plugin hook, which Apollo answers with a 500.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules };
}

/** Unpaginated relationship lists are costed as if they held this many items. */
const ASSUMED_LIST_SIZE = 10;

/**
 * Cost model: every field costs 1 plus its children; a list or connection multiplies its children by
 * its page size (`first`/`last`, which traversals default to their result cap; else the default page,
 * or ASSUMED_LIST_SIZE for plain lists). Traversal depth is bounded separately (maxHops ≤ 12).
 */
const supplyChainEstimator: ComplexityEstimator = ({ type: parent, args, field, childComplexity }) => {
  // The page size was counted on the connection itself; its `edges` list adds nothing.
  if (parent.name.endsWith('Connection')) return 1 + childComplexity;
  // Introspection reads the schema, not the database, and its lists are as long as the schema is: the
  // explorers' introspection queries (GraphiQL's asks for deprecated arguments too) must fit any budget.
  if (field.name.startsWith('__') || parent.name.startsWith('__')) return 1 + childComplexity;
  // A federation gateway's `_entities` resolves one entity per representation it sends.
  if (field.name === '_entities' && Array.isArray(args.representations)) return 1 + childComplexity * Math.max(1, args.representations.length);
  const pageSize = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
  const type = getNullableType(field.type);
  const isConnection = getNamedType(type).name.endsWith('Connection');
  const items = pageSize ?? (isListType(type) ? ASSUMED_LIST_SIZE : isConnection ? DEFAULT_PAGE_SIZE : 1);
  return 1 + childComplexity * Math.max(1, items);
};

/** The cost of an operation under the cost model above; throws a GraphQLError for variables that do not coerce. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number {
  return getComplexity({
    schema,
    query: document,
    ...(operationName ? { operationName } : {}),
    variables,
    estimators: [supplyChainEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * The cost of each request's operation once costLimitPlugin has accepted it, for the plugins after it
 * (the per-client concurrent-cost budget, plugins/clientLimits.ts). Keyed by the request's context, so
 * an entry goes with its request.
 */
const acceptedCosts = new WeakMap<Context, number>();

/**
 * The cost costLimitPlugin accepted for the request of `context`, from its `didResolveOperation` on;
 * undefined when it refused the operation or its variables did not coerce (nothing will run). A plugin
 * reading it in its own `didResolveOperation` must come after costLimitPlugin in the plugin list: Apollo
 * calls the hooks in that order, and costLimitPlugin's runs to its end without awaiting.
 */
export function costOf(context: Context): number | undefined {
  return acceptedCosts.get(context);
}

/** The error refusing an operation of `cost` to `caller`, or null when it is within the caller's budget. */
export function costRefusal(cost: number, caller: Caller, limits: Limits): GraphQLError | null {
  const budget = caller.role === 'anonymous' ? limits.costAnonymous : limits.costAuthenticated;
  if (cost <= budget) return null;
  return new GraphQLError(`Query cost ${cost} exceeds the limit of ${budget} for ${caller.role} callers; ask for smaller pages or fewer hops`, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost, budget, http: { status: 400 } },
  });
}

/** Costs computed per variables, at most this many for one document (the oldest goes first). */
const MAX_COSTS_PER_DOCUMENT = 64;

export function costLimitPlugin(schema: GraphQLSchema, limits: Limits): ApolloServerPlugin<Context> {
  // Apollo keeps one parsed document per query text, so a document a client sends again is the same
  // object: its cost for the same operation and variables is computed once, not on every request.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const cachedCost = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number => {
    const key = JSON.stringify([operationName ?? null, variables]);
    const known = costs.get(document) ?? new Map<string, number>();
    costs.set(document, known);
    let cost = known.get(key);
    if (cost === undefined) {
      cost = operationCost(schema, document, operationName, variables);
      if (known.size >= MAX_COSTS_PER_DOCUMENT) known.delete(known.keys().next().value!);
      known.set(key, cost);
    }
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, contextValue }) {
          let cost: number;
          try {
            cost = cachedCost(document, request.operationName, request.variables ?? {});
          } catch (error) {
            // Variables that do not coerce (an unknown enum value, a wrong type): execution refuses them
            // with BAD_USER_INPUT before anything runs, so there is no cost to check.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          const refusal = costRefusal(cost, contextValue.caller, limits);
          if (refusal) throw refusal;
          acceptedCosts.set(contextValue, cost);
        },
      };
    },
  };
}
