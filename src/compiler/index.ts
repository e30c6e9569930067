import { Kind, getNamedType, visit, type DirectiveNode, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import type { Context } from '../context';
import { withFetched, type Fold } from '../db/fold';
import { toNodeRecord, type NodeRecord, type RawNode } from '../db/models';
import { DecodeError } from '../errors';
import { errorMessage } from '../domain/guards';
import { NODES_BY_ID } from '../db/queries/nodes';
import { fetchedExpression, projectionExpression } from './cypher';
import { isEmptyPlan, planKey, Planner, type Plan } from './plan';
import { primeFetched } from './prime';

/**
 * The request compiler. A root field (node, nodes, element, search, the lists) and a traversal
 * (`dependents`, `dependencies`, for its entities) hand their selection set to `foldFor`, which plans
 * what the nodes they return need below them (plan.ts) and compiles that into a `fetched` column of
 * their own statement (cypher.ts): one statement answers the field and every folded level below it.
 * The rows are attached to the records they belong to (prime.ts), so the resolvers run unchanged and
 * find their data loaded; what is not folded they load per level as before.
 */

interface Compiled {
  readonly key: string;
  readonly plan: Plan;
  readonly expressions: Map<string, string>;
}

/** Compiled selections by root field node and path: a document Apollo has cached is planned once. */
const compiledByField = new WeakMap<FieldNode, Map<string, Compiled | null>>();

/**
 * The fold of the root field being resolved, for the nodes under `path` (for example `['edges', 'node']`
 * of a list, `['entity']` of search hits); undefined when nothing below them can be folded, or when the
 * request runs without the compiler (`ctx.fold` false).
 */
export function foldFor(ctx: Context, info: GraphQLResolveInfo, path: readonly string[] = []): Fold | undefined {
  if (!ctx.fold) return undefined;
  const compiled = compile(info, path);
  if (!compiled) return undefined;
  return {
    key: compiled.key,
    expression: (variable) => {
      let text = compiled.expressions.get(variable);
      if (text === undefined) compiled.expressions.set(variable, (text = fetchedExpression(variable, compiled.plan)));
      return text;
    },
    properties: (variable) => projectionExpression(variable, compiled.plan),
    take: (node, fetched) => primeFetched(ctx.loaders, node, fetched, compiled.plan),
  };
}

/**
 * `node`/`nodes` with a fold: one statement loads the nodes (by id or former id) and everything folded
 * below them; the records, in the order of `ids` (null for an id with no node), go straight to the
 * resolvers. They are not primed into the node loader: they hold only the properties this selection reads.
 */
export async function nodesWithFold(ctx: Context, ids: readonly string[], fold: Fold): Promise<(NodeRecord | null)[]> {
  const rows = await ctx.db.read(withFetched(NODES_BY_ID, 'n', fold), { ids: [...new Set(ids)] });
  const byId = new Map<string, NodeRecord | null>();
  for (const row of rows) {
    const node = row.node === null ? null : decodeNode(row.node);
    if (node) fold.take(node, row.fetched);
    byId.set(row.id, node);
  }
  return ids.map((id) => byId.get(id) ?? null);
}

function decodeNode(raw: RawNode): NodeRecord {
  try {
    return toNodeRecord(raw);
  } catch (error) {
    throw new DecodeError(NODES_BY_ID.name, errorMessage(error));
  }
}

function compile(info: GraphQLResolveInfo, path: readonly string[]): Compiled | null {
  const field = info.fieldNodes[0]!;
  // @skip/@include with variables make the plan depend on the request's variables, and so does a
  // connection's page size given by a variable (the planner says so).
  const cacheKey = path.join('.');
  const cached = usesVariableDirectives(info) ? undefined : compiledByField.get(field)?.get(cacheKey);
  if (cached !== undefined) return cached;

  const planner = new Planner(info);
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  const below = planner.descend(sets, getNamedType(info.returnType), path);
  const plan = below ? planner.plan(below.sets, below.type) : null;
  const compiled = plan && !isEmptyPlan(plan) ? { key: planKey(plan), plan, expressions: new Map<string, string>() } : null;
  if (!usesVariableDirectives(info) && !planner.readsVariables) {
    const byPath = compiledByField.get(field) ?? new Map<string, Compiled | null>();
    byPath.set(cacheKey, compiled);
    compiledByField.set(field, byPath);
  }
  return compiled;
}

const variableDirectives = new WeakMap<OperationDefinitionNode, boolean>();

/** True when the operation (or a fragment) has an @skip or @include whose condition is a variable. */
function usesVariableDirectives(info: GraphQLResolveInfo): boolean {
  let uses = variableDirectives.get(info.operation);
  if (uses === undefined) {
    let found = false;
    const visitor = {
      Directive(node: DirectiveNode) {
        if ((node.name.value === 'skip' || node.name.value === 'include') && node.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) found = true;
      },
    };
    for (const node of [info.operation, ...Object.values(info.fragments)]) visit(node, visitor);
    uses = found;
    variableDirectives.set(info.operation, uses);
  }
  return uses;
}
