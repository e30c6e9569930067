import { Kind, getNamedType, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { buildSchema } from '../../src/schema';
import { Planner, planKey } from '../../src/compiler/plan';
import { fetchedExpression, projectionExpression } from '../../src/compiler/cypher';
import { withFetched, type Fold } from '../../src/db/fold';
import { traversalQuery } from '../../src/db/queries/traversal';

/** The request compiler's output for representative documents: its plan key and its Cypher, reviewed as snapshots. */
const schema = buildSchema();

function compileRoot(document: string, path: string[] = [], variableValues: Record<string, unknown> = {}) {
  const ast = parse(document);
  const operation = ast.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    ast.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const root = operation.selectionSet.selections[0] as FieldNode;
  const planner = new Planner({ schema, fragments, variableValues });
  const rootType = getNamedType(schema.getQueryType()!.getFields()[root.name.value]!.type);
  const below = planner.descend([root.selectionSet!], rootType, path)!;
  const plan = planner.plan(below.sets, below.type);
  return { key: planKey(plan), cypher: fetchedExpression('n', plan) };
}

describe('request compiler', () => {
  it('a lookup with nested fields (the benchmark lookup)', () => {
    expect(
      compileRoot(`query Lookup($id: ID!) { node(id: $id) { ... on Facility {
        id name status startYear operator { name } region { name parent { name } }
        inputs { material from { name } } products { product { name } } sources { title } } } }`),
    ).toMatchSnapshot();
  });

  it('a three-level list (the benchmark frontend query)', () => {
    expect(
      compileRoot(`{ companies(first: 20) { edges { node { id name facilities(first: 10) { edges { node { id name region { name parent { name } } } } } } } } }`, ['edges', 'node']),
    ).toMatchSnapshot();
  });

  it('links with their sources, product and bill of materials; the parent end merges into the parent', () => {
    expect(compileRoot(`{ node(id: "x") { ... on Facility { products { facility { region { name } } product { id } requires { anyOf { name } } sources { id } } inputs { product { stage { name } } } } } }`)).toMatchSnapshot();
  });

  it('a relationship projects the stored properties its selected fields read, and then its key', () => {
    // A link type's fields: status also reads endYear (no stored status and an end year is historical); sources are sourceIds.
    const inputs = compileRoot(`{ node(id: "x") { ... on Facility { inputs { status note sources { id } from { name } } } } }`);
    expect(inputs.key).toContain('feedsIn[Facility](name){r:endYear.note.sourceIds.status,src}');
    expect(inputs.cypher).toContain('type(r1), r1.endYear, r1.key, r1.note, r1.sourceIds, r1.status, COLLECT');
    // Fields of a node that read its relations' properties: a deposit's holder, a facility's commodities.
    expect(compileRoot(`{ node(id: "x") { ... on Deposit { holder { name } } } }`).key).toContain('licencesOfDeposit[Deposit](name){r:confidence.startYear}');
    expect(compileRoot(`{ node(id: "x") { ... on Facility { commodities } } }`).key).toContain('stages[Facility](name.order){r:commodities}');
    // Nothing read beyond the end nodes: no properties, not even the key (rows of one node differ in nothing read),
    // and no labels where the relation names the other end's one label (src/compiler/layout.ts).
    expect(compileRoot(`{ node(id: "x") { ... on Facility { region { name } } } }`).cypher).toContain('RETURN [m2.id, m2.name] LIMIT');
    // A relation over several types tells its rows apart by type: the key orders them.
    expect(compileRoot(`{ node(id: "x") { ... on Facility { inputs { type } } } }`).cypher).toContain('RETURN [m2.id, m2.name, labels(m2), type(r1), r1.key] LIMIT');
  });

  it('fields of an interface apply to every type; a fragment on one type asks only that label', () => {
    const { key } = compileRoot(`{ search(text: "x") { entity { sources { id } ... on Deposit { region { name } } ... on Facility { region { name } } } } }`, ['entity']);
    expect(key).toBe('sourceIds,src(),locatedIn[Deposit|Facility](name)');
  });

  it('@skip and @include follow the variables', () => {
    const document = `query($deep: Boolean!) { node(id: "x") { ... on Facility { region @include(if: $deep) { name } operator @skip(if: $deep) { name } } } }`;
    expect(compileRoot(document, [], { deep: true }).key).toBe(',locatedIn[Facility](name)');
    expect(compileRoot(document, [], { deep: false }).key).toBe(',operatedBy[Facility](name)');
  });

  it('a node projects its id and the stored properties its fields read, nothing its schema requires beyond them', () => {
    const { key, cypher } = compileRoot(`{ node(id: "x") { ... on Facility { name statusNote capacity { value } dependents { hops } } } }`);
    expect(key).toBe('capacityUnit.capacityValue.name.statusNote');
    expect(cypher).toBe('null');
    const plan = (props: Set<string> | null) => ({ sources: null, props, relations: new Map() });
    expect(projectionExpression('n', plan(new Set(['statusNote'])))).toBe('n {.id, .statusNote}');
    expect(projectionExpression('n', plan(new Set()))).toBe('n {.id}');
    // A field the table does not know reads every property.
    expect(projectionExpression('n', plan(null))).toBe('properties(n)');
  });

  it("a node's sources bring what the selection reads of each, a flow product's too; a relationship's are whole nodes", () => {
    const { key, cypher } = compileRoot(`{ node(id: "x") { ... on Facility { sources { title } a: sources { __typename id url } operator { sources { id } } inputs { sources { title } } } } }`);
    expect(key).toContain('sourceIds,src(title.url)');
    expect(cypher).toContain('RETURN [s1.id, s1.title, s1.url]');
    expect(cypher).toMatch(/RETURN \[s\d+\.id\] \}/);
    expect(cypher).toMatch(/RETURN \[labels\(s\d+\), properties\(s\d+\)\]/);
    // A flow's product is the selection's own record (it travels with its row): a projection, like its sources.
    const flow = compileRoot(`{ node(id: "x") { ... on Facility { inputs { product { sources { title } } } } } }`);
    expect(flow.cypher).toMatch(/RETURN \[p(\d+)\.id, p\1\.sourceIds, labels\(p\1\), COLLECT \{ MATCH \(s(\d+):Source\) WHERE s\2\.id IN p\1\.sourceIds RETURN \[s\2\.id, s\2\.title\] \}\]/);
    // A flow's material is its own, else its product's name.
    expect(compileRoot(`{ node(id: "x") { ... on Facility { inputs { material } } } }`).cypher).toMatch(/RETURN \[p(\d+)\.id, p\1\.name, labels\(p\1\)\]/);
  });

  it("a traversal's entities fold into its statement: projected where the entity is returned, the path's nodes whole", () => {
    const { key, cypher } = compileRoot(`{ dependents(of: "x") { hops path { length } entity { id name ... on Facility { region { name } } } } }`, ['entity']);
    expect(key).toBe('name,locatedIn[Facility](name)');
    const fold: Fold = { key, expression: () => cypher, properties: (v) => projectionExpression(v, { sources: null, props: new Set(['name']), relations: new Map() }), take: () => undefined };
    const folded = withFetched(traversalQuery({ direction: 'down', maxHops: 4, time: 'current', withPaths: true }), 'target', fold, 'entity').cypher;
    expect(folded).toContain('[n IN best.ns | {labels: labels(n), props: properties(n)}] AS nodes');
    expect(folded.endsWith(`hops, {labels: labels(target), props: target {.id, .name}} AS entity,\n  ${cypher} AS fetched`)).toBe(true);
  });
});
