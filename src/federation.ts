import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  Kind,
  concatAST,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  isObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import { foldFor, nodesWithFold } from './compiler';
import { BadUserInputError } from './errors';
import type { Context } from './context';
import type { NodeRecord } from './db/models';
import { lookupId } from './domain/records';
import type { Resolvers } from './generated/graphql';
import { nodeTypeName } from './resolvers';

/**
 * The Apollo Federation 2 subgraph (FEDERATION=true). schema/*.graphql stays the one API contract: the
 * subgraph is that SDL with federation's `@link`, a `@key(fields: "id")` on every entity type and
 * `@shareable` on the value types other subgraphs are expected to define too. Entities are resolved by
 * id as `Query.nodes` does: a gateway's `_entities` call for many representations, with the fields it
 * selects below them, is compiled into one statement (entitiesResolver).
 */

/** The resolver map @apollo/subgraph takes (its type is not exported from the package root). */
type SubgraphResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** The federation spec the subgraph links. Only @key and @shareable are used (both in v2.0); a gateway or router must know v2.3. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.3';

/** Value types that several subgraphs may define identically (relay pagination). */
const SHAREABLE_TYPES: ReadonlySet<string> = new Set(['PageInfo']);

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const stringValue = (value: string) => ({ kind: Kind.STRING, value }) as const;
const directive = (directiveName: string, args: Record<string, string> = {}): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name(directiveName),
  arguments: Object.entries(args).map(([argument, value]) => ({ kind: Kind.ARGUMENT, name: name(argument), value: stringValue(value) })),
});

const LINK: DocumentNode = parse(/* GraphQL */ `
  extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])
`);

function hasNonNullId(field: FieldDefinitionNode): boolean {
  return (
    field.name.value === 'id' &&
    field.type.kind === Kind.NON_NULL_TYPE &&
    field.type.type.kind === Kind.NAMED_TYPE &&
    field.type.type.name.value === 'ID'
  );
}

/** Entity types: the object types that implement `Node` with an `id: ID!`, each resolvable by that id alone. */
export function entityTypeNames(document: DocumentNode): string[] {
  return document.definitions
    .filter(
      (d): d is ObjectTypeDefinitionNode =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION &&
        (d.interfaces ?? []).some((i) => i.name.value === 'Node') &&
        (d.fields ?? []).some(hasNonNullId),
    )
    .map((d) => d.name.value)
    .sort();
}

/** The SDL of schema/ as a Federation 2 subgraph document: `@link`, `@key(fields: "id")` on the entities, `@shareable` value types. */
export function subgraphTypeDefs(sdl: readonly string[]): DocumentNode {
  const document = concatAST(sdl.map((text) => parse(text)));
  const entities = new Set(entityTypeNames(document));
  const definitions = document.definitions.map((d): DefinitionNode => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION) return d;
    if (entities.has(d.name.value)) return { ...d, directives: [...(d.directives ?? []), directive('key', { fields: 'id' })] };
    if (SHAREABLE_TYPES.has(d.name.value)) return { ...d, directives: [...(d.directives ?? []), directive('shareable')] };
    return d;
  });
  return { kind: Kind.DOCUMENT, definitions: [...LINK.definitions, ...definitions] };
}

/**
 * `__resolveReference` of one entity type: the node with the representation's id, through the request's
 * node loader; null for an unknown id or a node of another type (a representation that names the wrong
 * type for an id is not that entity).
 */
export function resolveReferenceOf(typeName: string) {
  return async (reference: { readonly id?: unknown }, ctx: Context): Promise<NodeRecord | null> => {
    if (typeof reference.id !== 'string') return null;
    const node = await ctx.loaders.node.load(lookupId(reference.id, 'representations'));
    return node !== null && nodeTypeName(node) === typeName ? node : null;
  };
}

interface Representation {
  readonly __typename?: unknown;
  readonly id?: unknown;
}

/**
 * `Query._entities` in place of @apollo/subgraph's own: the representations' selection is compiled like
 * `Query.nodes` (src/compiler), so all of them, and everything selected below them, come from one
 * statement. Without a fold (FOLD off, or a selection the compiler does not take) each goes through its
 * type's `__resolveReference`. A representation of a type that is not an entity is an error, as in
 * @apollo/subgraph; each entity type's cache hint restricts the answer's, as there too.
 */
export function entitiesResolver(entities: ReadonlySet<string>) {
  return async (_root: unknown, { representations }: { representations: readonly Representation[] }, ctx: Context, info: GraphQLResolveInfo) => {
    const cacheControl = maybeCacheControlFromInfo(info);
    for (const typeName of new Set(representations.map((r) => r.__typename))) {
      const type = typeof typeName === 'string' && entities.has(typeName) ? info.schema.getType(typeName) : undefined;
      if (!type || !isObjectType(type)) throw new BadUserInputError(`"${String(typeName)}" is not an entity type of this subgraph`, 'representations');
      const hint = cacheControl?.cacheHintFromType(type);
      if (hint) cacheControl!.cacheHint.restrict(hint);
    }
    const fold = foldFor(ctx, info);
    if (!fold) return representations.map((r) => resolveReferenceOf(String(r.__typename))(r, ctx));
    const ids = representations.flatMap((r) => (typeof r.id === 'string' ? [lookupId(r.id, 'representations')] : []));
    const nodes = await nodesWithFold(ctx, ids, fold);
    const byId = new Map(ids.map((id, i) => [id, nodes[i] ?? null]));
    return representations.map((r) => {
      const node = typeof r.id === 'string' ? byId.get(r.id) : null;
      return node && nodeTypeName(node) === r.__typename ? node : null;
    });
  };
}

/**
 * The application's resolvers with a `__resolveReference` added to each entity type, and `_entities`
 * folded. The codegen map is typed per field and per context; the subgraph builder takes the untyped
 * graphql-js shape it is.
 */
export function subgraphResolvers(resolvers: Resolvers, entities: readonly string[]): SubgraphResolverMap {
  const byType: Record<string, object> = { ...resolvers };
  for (const entity of entities) byType[entity] = { ...byType[entity], __resolveReference: resolveReferenceOf(entity) };
  byType.Query = { ...byType.Query, _entities: entitiesResolver(new Set(entities)) };
  // The records stay as the loaders and the compiler made them (their folded rows are keyed by the record).
  byType._Entity = { __resolveType: (node: NodeRecord) => nodeTypeName(node) };
  return byType as SubgraphResolverMap;
}

/** The executable subgraph schema, with `_service` and `_entities` added by @apollo/subgraph. */
export function buildFederatedSchema(sdl: readonly string[], resolvers: Resolvers): GraphQLSchema {
  const typeDefs = subgraphTypeDefs(sdl);
  return buildSubgraphSchema({ typeDefs, resolvers: subgraphResolvers(resolvers, entityTypeNames(typeDefs)) });
}
