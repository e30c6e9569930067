import type { ApolloServerPlugin } from '@apollo/server';
import type { CacheHint } from '@apollo/cache-control-types';
import {
  Kind,
  getDirectiveValues,
  getNamedType,
  isCompositeType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context';

/** What a field gets when neither it nor its type has a hint (Apollo's `defaultMaxAge`). */
const DEFAULT_MAX_AGE = 0;

/**
 * The `Cache-Control` header of every answer, from the schema's `@cacheControl` hints, computed once
 * per document rather than per resolved field. Apollo's own cache-control plugin computes the same
 * policy field by field as the answer resolves, which makes Apollo wrap every resolver of the schema
 * (12 % of the CPU per request of the page and frontend operations). The rules are Apollo's
 * (https://www.apollographql.com/docs/apollo-server/performance/caching): a field's hint replaces its
 * type's; a root field, or a field of an object type, without a hint and without `inheritMaxAge`, gets
 * maxAge 0; the answer's policy is the most restrictive of its fields'; an answer with errors, or a
 * policy of maxAge 0, is `no-store`.
 *
 * Computed from the document, every selected field counts, also one that does not resolve for this
 * answer (a fragment on another type, a null parent, @skip): the policy is never looser than Apollo's,
 * at most stricter. Dynamic hints (`info.cacheControl` in a resolver) are not seen: a server that needs
 * them (the federation subgraph's entities) keeps Apollo's plugin.
 */
export function cachePolicyPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  const directive = schema.getDirective('cacheControl');
  const byDocument = new WeakMap<DocumentNode, Map<string | null, CacheHint>>();

  const policyOf = (document: DocumentNode, operation: OperationDefinitionNode): CacheHint => {
    let perOperation = byDocument.get(document);
    if (!perOperation) byDocument.set(document, (perOperation = new Map()));
    const key = operation.name?.value ?? null;
    let policy = perOperation.get(key);
    if (!policy) {
      policy = documentPolicy(schema, directive, document, operation);
      perOperation.set(key, policy);
    }
    return policy;
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, overallCachePolicy }) {
          // Apollo calls this hook only once the operation is known.
          if (operation) overallCachePolicy.restrict(policyOf(document, operation));
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const cacheable = overallCachePolicy.policyIfCacheable();
          const clean = response.body.kind === 'single' && !response.body.singleResult.errors;
          response.http.headers.set('cache-control', cacheable && clean ? `max-age=${cacheable.maxAge}, ${cacheable.scope.toLowerCase()}` : 'no-store');
        },
      };
    },
  };
}

/** `policy` restricted by `hint`, as Apollo's CachePolicy.restrict does it. */
function restrict(policy: CacheHint, hint: CacheHint): CacheHint {
  return {
    maxAge: hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge) ? hint.maxAge : policy.maxAge,
    scope: hint.scope !== undefined && policy.scope !== 'PRIVATE' ? hint.scope : policy.scope,
  };
}

interface Annotation extends CacheHint {
  readonly inheritMaxAge?: boolean;
}

/** The policy of one operation of a document: every field it selects, through fragments, restricted together. */
function documentPolicy(schema: GraphQLSchema, directive: GraphQLDirective | null | undefined, document: DocumentNode, operation: OperationDefinitionNode): CacheHint {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const annotation = (node: { readonly astNode?: unknown; readonly extensionASTNodes?: readonly unknown[] } | null | undefined): Annotation => {
    if (!directive || !node) return {};
    for (const ast of [node.astNode, ...(node.extensionASTNodes ?? [])]) {
      const values = ast ? getDirectiveValues(directive, ast as Parameters<typeof getDirectiveValues>[1]) : undefined;
      if (values) return values as Annotation;
    }
    return {};
  };
  const objects = (type: GraphQLNamedType): readonly GraphQLObjectType[] =>
    isObjectType(type) ? [type] : isCompositeType(type) ? schema.getPossibleTypes(type) : [];

  /** A field's own policy, as Apollo's plugin finds it for each resolved field. */
  const fieldPolicy = (field: GraphQLField<unknown, unknown>, root: boolean): CacheHint => {
    const target = getNamedType(field.type);
    let policy: CacheHint = {};
    let inherit = false;
    if (isCompositeType(target)) {
      const { inheritMaxAge, ...hint } = annotation(target as GraphQLCompositeType);
      policy = defined(hint);
      inherit = inheritMaxAge === true;
    }
    const { inheritMaxAge, ...hint } = annotation(field);
    if (inheritMaxAge && policy.maxAge === undefined) {
      inherit = true;
      if (hint.scope) policy = { ...policy, scope: hint.scope };
    } else {
      policy = { ...policy, ...defined(hint) };
    }
    if (policy.maxAge === undefined && ((isCompositeType(target) && !inherit) || root)) policy = restrict(policy, { maxAge: DEFAULT_MAX_AGE });
    return policy;
  };

  let overall: CacheHint = {};
  const visit = (set: SelectionSetNode, parents: readonly GraphQLObjectType[], root: boolean, spread: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // Meta fields (`__typename`, introspection) resolve outside the schema's resolvers: Apollo counts none.
        if (selection.name.value.startsWith('__')) continue;
        const children = new Set<GraphQLObjectType>();
        for (const parent of parents) {
          const field = parent.getFields()[selection.name.value];
          if (!field) continue;
          overall = restrict(overall, fieldPolicy(field, root));
          if (selection.selectionSet) for (const child of objects(getNamedType(field.type))) children.add(child);
        }
        if (selection.selectionSet) visit(selection.selectionSet, [...children], false, spread);
      } else {
        const named = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : undefined;
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        // A validated document names only fragments it defines, without cycles; the guard is for the walk.
        if (!fragment || (named !== undefined && spread.has(named))) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : undefined;
        const on = condition ? objects(condition) : parents;
        visit(fragment.selectionSet, parents.filter((parent) => on.includes(parent)), root, named === undefined ? spread : new Set([...spread, named]));
      }
    }
  };
  const rootType = schema.getRootType(operation.operation);
  if (rootType) visit(operation.selectionSet, [rootType], true, new Set());
  return overall;
}

/** The hint's keys that have a value (a directive's absent arguments come back undefined). */
function defined(hint: CacheHint): CacheHint {
  return { ...(hint.maxAge !== undefined ? { maxAge: hint.maxAge } : {}), ...(hint.scope !== undefined ? { scope: hint.scope } : {}) };
}
