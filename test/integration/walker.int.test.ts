import fc from 'fast-check';
import {
  GraphQLFloat,
  GraphQLInt,
  Kind,
  astFromValue,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
  print,
  validate,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLUnionType,
  type ObjectFieldNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../../src/errors';
import { buildSchema } from '../../src/schema';
import { database, startTestServer, type RunningServer } from '../support/testServer';

/**
 * Random valid operations, walked from the schema itself: a random root field with random arguments of
 * the right types (real seed ids and random strings, enums, nested input objects), nested selections to
 * a bounded depth, inline fragments on interfaces and unions. Each document is checked with graphql's
 * `validate()` first (so the walker's own validity is tested), then sent over HTTP to the real server.
 * No answer may be a 5xx, every error must carry a code the server documents, and the server must
 * still be healthy afterwards.
 */

const RUNS = 300;
/** Levels of selections below a root field (the server's depth limit is 12: walks stay well inside it). */
const MAX_SELECTION_DEPTH = 3;
/** Levels of nested input objects (`where: { AND: [{ NOT: … }] }`). */
const MAX_INPUT_DEPTH = 2;

/** Codes a valid query may legitimately get: ours for bad values and missing ids, and a query limit. */
const QUERY_CODES = new Set<string>([ErrorCode.BadUserInput, ErrorCode.NotFound, ErrorCode.Timeout, 'GRAPHQL_VALIDATION_FAILED']);
/** An anonymous mutation is refused before anything else (or, if too costly, by the cost limit). */
const MUTATION_CODES = new Set<string>([ErrorCode.Unauthenticated, 'GRAPHQL_VALIDATION_FAILED']);

/** Values of the seed to draw from, so some arguments hit real data. */
interface Pools {
  readonly ids: readonly string[];
  readonly words: readonly string[];
}

type Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType;

/** A generated selection: a field (with its arguments and sub-selection) or an inline fragment. */
type Selection =
  | { readonly kind: 'field'; readonly name: string; readonly args: readonly [string, ValueNode][]; readonly selections?: readonly Selection[] }
  | { readonly kind: 'fragment'; readonly on: string; readonly selections: readonly Selection[] };

// ---- argument values ------------------------------------------------------------------------------

function stringValue(pool: readonly string[]): fc.Arbitrary<ValueNode> {
  return fc
    .oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) })
    .map((value) => ({ kind: Kind.STRING, value }));
}

function scalarValue(name: string, pools: Pools): fc.Arbitrary<ValueNode> {
  switch (name) {
    case 'ID':
      return stringValue(pools.ids);
    case 'String':
      return stringValue([...pools.words, ...pools.ids]);
    case 'Int':
      return fc
        .oneof(fc.integer({ min: -2, max: 13 }), fc.integer({ min: 1990, max: 2040 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }))
        .map((n) => astFromValue(n, GraphQLInt)!);
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => astFromValue(n, GraphQLFloat)!);
    case 'Boolean':
      return fc.boolean().map((value) => ({ kind: Kind.BOOLEAN, value }));
    default:
      // Custom scalars (JSONObject): an empty object is a valid literal of every object-like scalar.
      return fc.constant({ kind: Kind.OBJECT, fields: [] });
  }
}

function inputObjectValue(type: GraphQLInputObjectType, depth: number, pools: Pools): fc.Arbitrary<ValueNode> {
  const fields = Object.values(type.getFields());
  const picks = fields.map((field) => {
    const required = isNonNullType(field.type) && field.defaultValue === undefined;
    const nested = isInputObjectType(getNamedType(field.type));
    if (!required && nested && depth >= MAX_INPUT_DEPTH) return fc.constant(undefined);
    const value = inputValue(field.type, depth + 1, pools).map((v): ObjectFieldNode => ({ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: field.name }, value: v }));
    return required ? value : fc.option(value, { nil: undefined, freq: 3 });
  });
  return fc.tuple(...picks).map((chosen) => ({ kind: Kind.OBJECT, fields: chosen.filter((f): f is ObjectFieldNode => f !== undefined) }));
}

/** A literal of `type`; nullable positions are sometimes an explicit `null`. */
function inputValue(type: GraphQLInputType, depth: number, pools: Pools): fc.Arbitrary<ValueNode> {
  if (!isNonNullType(type)) {
    return fc.oneof({ weight: 9, arbitrary: nonNullValue(type, depth, pools) }, { weight: 1, arbitrary: fc.constant<ValueNode>({ kind: Kind.NULL }) });
  }
  return nonNullValue(type.ofType, depth, pools);
}

function nonNullValue(type: GraphQLInputType, depth: number, pools: Pools): fc.Arbitrary<ValueNode> {
  if (isNonNullType(type)) return nonNullValue(type.ofType, depth, pools);
  if (isListType(type)) {
    return fc.array(inputValue(type.ofType as GraphQLInputType, depth, pools), { maxLength: 3 }).map((values) => ({ kind: Kind.LIST, values }));
  }
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name)).map((value) => ({ kind: Kind.ENUM, value }));
  if (isInputObjectType(type)) return inputObjectValue(type, depth, pools);
  return scalarValue(type.name, pools);
}

/** Required arguments always, optional ones sometimes. */
function argumentValues(args: readonly GraphQLArgument[], pools: Pools): fc.Arbitrary<[string, ValueNode][]> {
  const picks = args.map((arg) => {
    const value = inputValue(arg.type, 0, pools).map((v): [string, ValueNode] => [arg.name, v]);
    return isNonNullType(arg.type) && arg.defaultValue === undefined ? value : fc.option(value, { nil: undefined, freq: 2 });
  });
  return fc.tuple(...picks).map((chosen) => chosen.filter((a): a is [string, ValueNode] => a !== undefined));
}

// ---- selections -----------------------------------------------------------------------------------

function fieldSelection(field: GraphQLField<unknown, unknown>, depth: number, schema: GraphQLSchema, pools: Pools): fc.Arbitrary<Selection> {
  const named = getNamedType(field.type);
  const args = argumentValues(field.args, pools);
  if (isLeafType(named)) return args.map((a): Selection => ({ kind: 'field', name: field.name, args: a }));
  return fc
    .tuple(args, selectionSet(named as Composite, depth + 1, schema, pools))
    .map(([a, selections]): Selection => ({ kind: 'field', name: field.name, args: a, selections }));
}

/**
 * The selections of a composite type: always one leaf (a scalar field or `__typename`), up to three
 * more fields (composite ones only above the depth bound), and on interfaces and unions up to two
 * inline fragments on their possible types.
 */
function selectionSet(type: Composite, depth: number, schema: GraphQLSchema, pools: Pools): fc.Arbitrary<Selection[]> {
  const fields = 'getFields' in type ? Object.values(type.getFields()) : [];
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
  const selectable = depth < MAX_SELECTION_DEPTH ? fields : leaves;
  const typename: Selection = { kind: 'field', name: '__typename', args: [] };
  const leaf = leaves.length > 0 ? fc.oneof(fc.constant(typename), fc.constantFrom(...leaves).chain((f) => fieldSelection(f, depth, schema, pools))) : fc.constant(typename);
  const more = selectable.length > 0 ? fc.array(fc.constantFrom(...selectable).chain((f) => fieldSelection(f, depth, schema, pools)), { maxLength: 3 }) : fc.constant([]);
  const fragments = isAbstractType(type)
    ? fc.array(
        fc.constantFrom(...schema.getPossibleTypes(type)).chain((possible) =>
          selectionSet(possible, depth + 1, schema, pools).map((selections): Selection => ({ kind: 'fragment', on: possible.name, selections })),
        ),
        { maxLength: 2 },
      )
    : fc.constant([]);
  return fc.tuple(leaf, more, fragments).map(([first, rest, inline]) => [first, ...rest, ...inline]);
}

/**
 * Prints selections; a response name repeats nowhere within one selection set (inline fragments merge
 * into it), so a repeated field gets an alias and fields never conflict.
 */
function printSelections(selections: readonly Selection[], used: Set<string> = new Set()): string {
  const printed = selections.map((selection) => {
    if (selection.kind === 'fragment') return `... on ${selection.on} { ${printSelections(selection.selections, used)} }`;
    let responseName = selection.name;
    for (let n = 2; used.has(responseName); n++) responseName = `${selection.name.replace(/^_+/, '')}${n}`;
    used.add(responseName);
    const alias = responseName === selection.name ? '' : `${responseName}: `;
    const args = selection.args.length > 0 ? `(${selection.args.map(([name, value]) => `${name}: ${print(value)}`).join(', ')})` : '';
    const sub = selection.selections ? ` { ${printSelections(selection.selections)} }` : '';
    return `${alias}${selection.name}${args}${sub}`;
  });
  return printed.join(' ');
}

/** One operation on a root type: one or two of its fields. */
function operation(keyword: 'query' | 'mutation', root: GraphQLObjectType, schema: GraphQLSchema, pools: Pools): fc.Arbitrary<string> {
  const fields = Object.values(root.getFields());
  return fc
    .array(fc.constantFrom(...fields).chain((f) => fieldSelection(f, 0, schema, pools)), { minLength: 1, maxLength: 2 })
    .map((selections) => `${keyword} Walk { ${printSelections(selections)} }`);
}

// ---- the walk -------------------------------------------------------------------------------------

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; limit?: string } }[];
}

async function seedPools(server: RunningServer): Promise<Pools> {
  const { records } = await server.driver.executeQuery('MATCH (n) WHERE n.id IS NOT NULL RETURN collect(DISTINCT n.id) AS ids', {}, { database });
  const { records: symbols } = await server.driver.executeQuery('MATCH (e:Element) RETURN collect(e.symbol) AS symbols', {}, { database });
  return {
    ids: records[0]!.get('ids') as string[],
    words: [...(symbols[0]!.get('symbols') as string[]), 'separation', 'mining', 'magnets', 'rare earths', 'Tastig', 'Glazov', ''],
  };
}

describe('random valid operations walked from the schema', () => {
  const schema = buildSchema();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it(`answers ${RUNS} random operations with data or coded errors, never a 5xx`, async () => {
    const pools = await seedPools(server);
    const mutationType = schema.getMutationType();
    const operations = mutationType
      ? fc.oneof(
          { weight: 4, arbitrary: operation('query', schema.getQueryType()!, schema, pools) },
          { weight: 1, arbitrary: operation('mutation', mutationType, schema, pools) },
        )
      : operation('query', schema.getQueryType()!, schema, pools);
    const seen = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(operations, async (document) => {
        expect(validate(schema, parse(document))).toEqual([]);
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: document }),
        });
        expect(response.status).toBeLessThan(500);
        const body = (await response.json()) as GraphQLBody;
        expect(body.data !== undefined || (body.errors?.length ?? 0) > 0).toBe(true);
        const isMutation = document.startsWith('mutation');
        // Anonymous callers cannot write: a mutation always comes back with errors.
        if (isMutation) expect(body.errors?.length).toBeGreaterThan(0);
        const allowed = isMutation ? MUTATION_CODES : QUERY_CODES;
        for (const error of body.errors ?? []) {
          const code = error.extensions?.code ?? '(none)';
          seen.set(code, (seen.get(code) ?? 0) + 1);
          expect(allowed.has(code) ? 'allowed' : `${code}: ${error.message}`).toBe('allowed');
          // The document is valid, so a validation failure can only be a query limit, which names itself.
          if (code === 'GRAPHQL_VALIDATION_FAILED') expect(error.extensions?.limit).toEqual(expect.any(String));
        }
        if (response.status === 400) expect(body.errors?.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
        if (!body.errors) seen.set('(data)', (seen.get('(data)') ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );

    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const after = (await (await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ element(symbol: "Nd") { name } }' }),
    })).json()) as GraphQLBody;
    expect(after).toEqual({ data: { element: { name: 'Neodymium' } } });
    process.stdout.write(`walker outcomes: ${JSON.stringify(Object.fromEntries(seen))}\n`);
  }, 180_000);
});
