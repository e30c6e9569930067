import { getNamedType, isLeafType, isObjectType, type GraphQLNamedType } from 'graphql';
import { FOLDS, LINK_ENDS } from '../../src/compiler/folds';
import { buildSchema } from '../../src/schema';
import { createContext } from '../../src/context';
import type { ProfilingExecutor } from '../../src/db/profiling';
import { database, execute, setupInProcessApp, silentLog } from '../support/testServer';

/**
 * The request compiler (src/compiler) against the real database: a root field and every folded level
 * below it cost ONE statement, and every answer is the answer the per-level loaders give without it.
 */
// Documents that select every field of up to 100 nodes cost more than a client's default budget.
const t = setupInProcessApp({ COST_LIMIT_ANONYMOUS: '100000000' });
const schema = buildSchema();

async function run(query: string, variables: Record<string, unknown>, fold: boolean) {
  const ctx = createContext({ driver: t.driver, database, queryTimeoutMs: 15_000, log: silentLog, fold }, 'compiler-test');
  const result = await execute<any>(t.app, ctx, query, variables);
  return { ...result, trips: ctx.db.roundTrips };
}

/** Runs `query` with and without the compiler: the same answer, and the round trips of each. */
async function compare(query: string, variables: Record<string, unknown> = {}) {
  const [loaders, compiled] = [await run(query, variables, false), await run(query, variables, true)];
  expect(compiled.errors).toBeUndefined();
  expect(loaders.errors).toBeUndefined();
  expect(compiled.data).toEqual(loaders.data);
  return { data: compiled.data, trips: compiled.trips, tripsWithoutCompiler: loaders.trips };
}

const ENTITY_TYPES = ['Element', 'Deposit', 'Region', 'Company', 'Facility', 'Product', 'SupplyChainStage'];

/** The selection of every field of a node type that reads its own stored properties (leaves, capacity, details, sources), one by one. */
function ownFieldList(typeName: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.values(type.getFields())
    .filter((f) => f.args.every((a) => a.type.toString().endsWith('!') === false))
    .flatMap((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return [f.name];
      if (f.name === 'capacity') return ['capacity { value unit }'];
      if (f.name === 'details') return ['details { key value }'];
      // A node's sources are projected too (what the selection reads of each): each of their fields alone.
      if (f.name === 'sources') return ownFieldList('Source').map((field) => `sources { ${field} }`);
      return [];
    });
}
const ownFields = (typeName: string): string => ownFieldList(typeName).join(' ');

/** A fragment selecting every own field of every entity type (and of figures): what projections must not lose. */
const ALL_FIELDS = `fragment AllFields on Node { id ${[...ENTITY_TYPES, 'Figure'].map((t) => `... on ${t} { ${ownFields(t)} }`).join(' ')} }`;

/** A selection of a field that returns `type`: every own field of nodes, every field of a relationship record. */
function selectionOf(name: string, type: GraphQLNamedType | undefined, kind: string): string {
  if (!type) return name;
  if (kind === 'page') return `${name}(first: 100) { edges { node { ...AllFields } } }`;
  if (!LINK_ENDS[type.name] || !isObjectType(type)) return `${name} { ...AllFields }`;
  const fields = Object.values(type.getFields()).map((f) => {
    const named = getNamedType(f.type);
    if (isLeafType(named)) return f.name;
    return f.name === 'requires' ? 'requires { anyOf { ...AllFields } }' : f.name === 'capacity' ? 'capacity { value unit }' : `${f.name} { ...AllFields }`;
  });
  return `${name} { ${fields.join(' ')} }`;
}

async function idsOf(label: string): Promise<string[]> {
  const { records } = await t.driver.executeQuery(`MATCH (n:${label}) RETURN n.id AS id ORDER BY id LIMIT 100`, {}, { database });
  return records.map((r) => r.get('id') as string);
}

describe('every folded field', () => {
  it.each(Object.keys(FOLDS))('%s: answers as the loaders do, in one statement for up to 100 of them', async (typeName) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    const fields = Object.entries(FOLDS[typeName]!).map(([name, fold]) => {
      const named = getNamedType(type.getFields()[name]!.type);
      return selectionOf(name, isLeafType(named) ? undefined : named, fold.kind);
    });
    const ids = await idsOf(typeName);
    expect(ids.length).toBeGreaterThan(0);
    const query = `${ALL_FIELDS}\nquery Folded($ids: [ID!]!) { nodes(ids: $ids) { ...AllFields ... on ${typeName} { ${fields.join('\n')} } } }`;
    const { data, trips, tripsWithoutCompiler } = await compare(query, { ids });
    expect(data.nodes).toHaveLength(ids.length);
    expect(trips).toBe(1);
    expect(tripsWithoutCompiler).toBeGreaterThan(1);
  });
});

/**
 * A relationship brings only the stored properties its selected fields read. Selected together, one
 * field's property would hide another field's missing one, so here each field of a link type is
 * selected alone, and so is each folded field of a node (some read their relationships' properties:
 * a deposit's holder, a facility's commodities, a stage's facilities of one commodity).
 */
describe('each field alone', () => {
  const cases: [string, string][] = [];
  for (const [typeName, folds] of Object.entries(FOLDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    for (const [name, fold] of Object.entries(folds)) {
      const named = getNamedType(type.getFields()[name]!.type);
      if (isLeafType(named)) cases.push([typeName, name]);
      else if (fold.kind === 'page') cases.push([typeName, `${name}(first: 100) { edges { node { id } } }`]);
      else if (!LINK_ENDS[named.name] || !isObjectType(named)) cases.push([typeName, `${name} { id }`]);
      else {
        for (const field of Object.values(named.getFields())) {
          const leaf = isLeafType(getNamedType(field.type));
          const sub = field.name === 'requires' ? '{ anyOf { id } }' : field.name === 'capacity' ? '{ value unit }' : leaf ? '' : '{ id }';
          cases.push([typeName, `${name} { ${field.name} ${sub} }`]);
        }
      }
    }
  }
  cases.push(['SupplyChainStage', 'facilities(first: 100, commodity: "rare earths") { edges { node { id } } }']);

  it('a holder chosen by its licences, and a status read from an end year, with nothing else selected', async () => {
    // The older licence is the stated one and its holder's name sorts last: the holder needs both properties.
    await t.driver.executeQuery(
      `CREATE (d:Entity:Deposit {id: 'dep-test-held', name: 'Held', commodity: 'test', status: 'exploration', sourceIds: ['seed-topcor-magnets']})
       CREATE (:Entity:Company {id: 'co-test-a', name: 'A unconfirmed', kind: 'test', sourceIds: ['seed-topcor-magnets']})
         -[:HOLDS_LICENCE {key: 'HOLDS_LICENCE:co-test-a->dep-test-held', confidence: 'unconfirmed', startYear: 2020, sourceIds: ['seed-topcor-magnets']}]->(d)
       CREATE (:Entity:Company {id: 'co-test-z', name: 'Z stated', kind: 'test', sourceIds: ['seed-topcor-magnets']})
         -[:HOLDS_LICENCE {key: 'HOLDS_LICENCE:co-test-z->dep-test-held', confidence: 'stated', startYear: 2010, sourceIds: ['seed-topcor-magnets']}]->(d)
       CREATE (d)-[:FEEDS {key: 'FEEDS:dep-test-held->fac-test-fed', endYear: 2015, sourceIds: ['seed-topcor-magnets']}]->(:Entity:Facility {id: 'fac-test-fed', name: 'Fed', kind: 'test', status: 'planned', sourceIds: ['seed-topcor-magnets']})`,
      {},
      { database },
    );
    try {
      const holder = await compare(`{ node(id: "dep-test-held") { ... on Deposit { holder { id } } } }`);
      expect(holder.data.node.holder).toEqual({ id: 'co-test-z' });
      const status = await compare(`{ node(id: "fac-test-fed") { ... on Facility { inputs { status } } } }`);
      expect(status.data.node.inputs).toEqual([{ status: 'HISTORICAL' }]);
    } finally {
      await t.driver.executeQuery(`MATCH (n:Entity) WHERE n.id IN ['dep-test-held', 'co-test-a', 'co-test-z', 'fac-test-fed'] DETACH DELETE n`, {}, { database });
    }
  });

  it.each(cases)('%s { %s }', async (typeName, selection) => {
    const ids = await idsOf(typeName);
    const { trips } = await compare(`query Alone($ids: [ID!]!) { nodes(ids: $ids) { id ... on ${typeName} { ${selection} } } }`, { ids });
    expect(trips).toBe(1);
  });
});

/**
 * The node at the other end of a folded relation brings its id and the stored properties its selected
 * fields read, nothing its schema requires beyond them: each own field of each type a folded field
 * returns is selected alone there, so no other field's property can stand in for a missing one. Each
 * root field is compiled alone, so one document asks every field of a relation, one root field each.
 */
describe('each own field alone at the other end of a folded relation', () => {
  const cases: [string, string, string[]][] = [];
  for (const [typeName, folds] of Object.entries(FOLDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    for (const [name, fold] of Object.entries(folds)) {
      if (fold.kind === 'links') continue;
      const target = getNamedType(type.getFields()[name]!.type);
      const edges = fold.kind === 'page' && isObjectType(target) ? getNamedType(target.getFields().edges!.type) : target;
      const node = fold.kind === 'page' && isObjectType(edges) ? getNamedType(edges.getFields().node!.type) : edges;
      if (!isObjectType(node)) continue;
      const selections = ownFieldList(node.name).map((field) => {
        const selection = `... on ${node.name} { ${field} }`;
        return fold.kind === 'page' ? `${name}(first: 100) { edges { node { ${selection} } } }` : `${name} { ${selection} }`;
      });
      cases.push([typeName, name, selections]);
    }
  }
  const answered = new Set<string>();

  it.each(cases)('%s.%s', async (typeName, name, selections) => {
    const ids = await idsOf(typeName);
    const roots = selections.map((selection, i) => `f${i}: nodes(ids: $ids) { id ... on ${typeName} { ${selection} } }`);
    const { data, trips } = await compare(`query Alone($ids: [ID!]!) { ${roots.join('\n')} }`, { ids });
    expect(trips).toBe(selections.length);
    // Some node of the seed has this relation, so the comparison is not between two empty answers.
    const rows = (n: any) => (n[name]?.edges ?? (Array.isArray(n[name]) ? n[name] : n[name] ? [n[name]] : [])).length;
    if (data.f0.some((n: any) => rows(n) > 0)) answered.add(`${typeName}.${name}`);
  });

  it('most of those relations have rows in the seed', () => {
    expect(cases.length).toBeGreaterThan(15);
    expect(answered.size / cases.length).toBeGreaterThan(0.8);
  });
});

/**
 * A compiled statement's root node, too, brings its id and what its selected fields read: each own
 * field of each type alone, by id and through its root list, one root field per field.
 */
describe('each own field alone at the root', () => {
  const LISTS: Record<string, string> = { Element: 'elements', Deposit: 'deposits', Region: 'regions', Company: 'companies', Facility: 'facilities', Product: 'products', Figure: 'figures' };

  it.each([...ENTITY_TYPES, 'Figure'])('%s', async (typeName) => {
    const ids = await idsOf(typeName);
    const fields = ownFieldList(typeName);
    const byId = fields.map((field, i) => `f${i}: nodes(ids: $ids) { id ... on ${typeName} { ${field} } }`);
    const list = LISTS[typeName];
    const listed = list ? fields.map((field, i) => `l${i}: ${list}(first: 100) { edges { node { ${field} } } }`) : [];
    const { data, trips } = await compare(`query Alone($ids: [ID!]!) { ${byId.join('\n')} }`, { ids });
    expect(data.f0.length).toBeGreaterThan(0);
    expect(trips).toBe(byId.length);
    if (listed.length === 0) return;
    const lists = await compare(`{ ${listed.join('\n')} }`);
    expect(lists.data.l0.edges.length).toBeGreaterThan(0);
    expect(lists.trips).toBe(listed.length);
  });
});

describe('documents as clients write them', () => {
  const FRONTEND = /* GraphQL */ `query Frontend { companies(first: 20, sort: { field: NAME }) { edges { node { id name
    facilities(first: 10) { edges { node { id name region { name parent { name } } } } } } } } }`;

  it('a three-level list is one statement', async () => {
    const { data, trips, tripsWithoutCompiler } = await compare(FRONTEND);
    expect(data.companies.edges.length).toBeGreaterThan(5);
    expect(trips).toBe(1);
    expect(tripsWithoutCompiler).toBe(4);
  });

  it('folds through interfaces, named and inline fragments, aliases and @include', async () => {
    const query = /* GraphQL */ `
      fragment Place on Facility { region { name parent { ...Named } } }
      fragment Named on Entity { name sources { id title } }
      query Mixed($id: ID!, $deep: Boolean!) {
        node(id: $id) {
          id
          ... on Entity { sources { id } }
          ... on Facility {
            ...Place
            upstream: inputs { material product { name stage { name } } from { id ... on Deposit { region { name } } } sources { id } }
            downstream: outputs @include(if: $deep) { to { id ... on Facility { operator { name } } } }
            products { product { id } requires { anyOf { id name } } }
          }
        }
      }`;
    const deep = await compare(query, { id: 'fac-smz', deep: true });
    expect(deep.data.node.upstream.length).toBeGreaterThan(0);
    expect(deep.data.node.downstream.length).toBeGreaterThan(0);
    expect(deep.trips).toBe(1);
    const shallow = await compare(query, { id: 'fac-smz', deep: false });
    expect(shallow.data.node.downstream).toBeUndefined();
    expect(shallow.trips).toBe(1);
  });

  it('search hits, an element and the stages fold their entities', async () => {
    const search = await compare(/* GraphQL */ `{ search(text: "Lovozero", first: 5) { score entity { id ... on Deposit { region { name } elements { element { symbol } } } ... on Facility { operator { name } } } } }`);
    expect(search.data.search.length).toBeGreaterThan(0);
    expect(search.trips).toBe(1);
    const element = await compare(/* GraphQL */ `{ element(symbol: "Nd") { name deposits { deposit { name region { name } } sources { id } } usedIn(first: 5) { edges { node { name } } } } }`);
    expect(element.data.element.deposits.length).toBeGreaterThan(0);
    expect(element.trips).toBe(1);
    const stages = await compare(/* GraphQL */ `{ stages { name next { name } facilities(first: 5) { edges { node { name region { name } } } } } }`);
    expect(stages.trips).toBe(1);
  });

  it('a former id folds like the current one, and a missing id is null', async () => {
    const query = /* GraphQL */ `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Facility { region { name } } } }`;
    const { data, trips } = await compare(query, { ids: ['fac-uuppo', 'fac-glazov-magnet'] });
    expect(data.nodes.map((n: { id: string }) => n.id)).toEqual(['fac-ulan-ude-instrument-plant', 'fac-glazov-magnet']);
    expect(trips).toBe(1);
    const missing = await compare(/* GraphQL */ `{ node(id: "fac-no-such-plant") { id ... on Facility { region { name } } } }`);
    expect(missing.data.node).toBeNull();
  });

  it('two selections of the same node each get the properties they read', async () => {
    const { data, trips } = await compare(/* GraphQL */ `{
      a: node(id: "fac-elbrus-lioh") { ... on Facility { name region { name } } }
      b: node(id: "fac-elbrus-lioh") { ... on Facility { kind region { description aliases } } }
      c: dependents(of: "dep-lovozero", maxHops: 4) { entity { ... on Facility { kind region { kind } } } }
    }`);
    // The region was fetched for `a` with its name only; `b` reads more of it.
    expect(data.b.region).toEqual({ description: expect.stringContaining('Macroregion'), aliases: ['Angara–Yenisei macroregion'] });
    expect(data.c.some((d: any) => d.entity.region?.kind)).toBe(true);
    expect(trips).toBeGreaterThanOrEqual(3);
  });

  it('a node loaded by id in two selections (a flow product) answers each with what it reads', async () => {
    // A flow's product is one record per request (the node loader's): one facility's output is another's
    // input, and each selection below it reads something else of its sources and of its stage (a
    // relation's rows always bring the other end's name and order, so those would not tell).
    const { data } = await compare(/* GraphQL */ `{
      facilities(first: 100) { edges { node { id
        inputs { product { id sources { title } stage { aliases } } }
        outputs { product { id sources { url } stage { description } } }
      } } }
    }`);
    const edges = data.facilities.edges.map((e: any) => e.node);
    const inputs = new Set(edges.flatMap((n: any) => n.inputs.map((l: any) => l.product?.id)).filter(Boolean));
    const outputs = new Set(edges.flatMap((n: any) => n.outputs.map((l: any) => l.product?.id)).filter(Boolean));
    // The seed has such products, so the comparison above covered the case.
    expect([...inputs].filter((id) => outputs.has(id)).length).toBeGreaterThan(0);
  });

  it('a flow product a folded selection fetched is not what an unfolded selection of the same request reads', async () => {
    // `outputs` is folded into the root's statement, which brings the stage name only of the products the
    // inputs of the facilities it supplies name (the Solikamsk plant's loparite concentrate, named by one
    // flow only). `impact`'s entities are not folded: the loaders answer them after that statement, level
    // by level, and reach the same facilities, whose inputs name the same products.
    const { data } = await compare(/* GraphQL */ `{ node(id: "fac-lovozero-gok") { ... on Facility {
      outputs { to { ... on Facility { id inputs { product { id stage { name } } } } } }
      impact { affected { entity { ... on Facility { id inputs { product { id stage { name description } } } } } } }
    } } }`);
    const folded = new Set(data.node.outputs.flatMap((l: any) => (l.to.inputs ?? []).map((i: any) => i.product?.id)).filter(Boolean));
    const reached = data.node.impact.affected.flatMap((d: any) => (d.entity.inputs ?? []).filter((l: any) => folded.has(l.product?.id)));
    // The seed has such products, and their stages have a description to lose.
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.some((l: any) => l.product.stage?.description)).toBe(true);
  });

  describe("a connection's first page", () => {
    // co-lynas operates three facilities in the seed.
    const PAGE = /* GraphQL */ `query ($id: ID!, $n: Int!) { node(id: $id) { ... on Company {
      facilities(first: $n) { edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;

    async function statementOf(query: string, variables: Record<string, unknown>) {
      const ctx = createContext({ driver: t.driver, database, queryTimeoutMs: 15_000, log: silentLog, profile: true }, 'compiler-test');
      const result = await execute<any>(t.app, ctx, query, variables);
      expect(result.errors).toBeUndefined();
      return (ctx.db as ProfilingExecutor).statements.map((s) => s.cypher);
    }

    it('fetches only its rows and one more, and answers as the whole relation does', async () => {
      for (const n of [1, 2, 3, 0]) {
        const { data, trips } = await compare(PAGE, { id: 'co-lynas', n });
        expect(data.node.facilities.edges).toHaveLength(n);
        expect(data.node.facilities.pageInfo.hasNextPage).toBe(n < 3);
        // The size comes from a variable: each request plans its own page, in one statement.
        expect(trips).toBe(1);
      }
      const [statement] = await statementOf(PAGE, { id: 'co-lynas', n: 1 });
      expect(statement).toContain('ORDER BY m2.name, m2.id, r1.key LIMIT 2 RETURN');
    });

    it('fetches every row where the request reads more than a first page of the relation', async () => {
      const query = /* GraphQL */ `query ($id: ID!, $after: String) { node(id: $id) { ... on Company {
        first: facilities(first: 1) { edges { node { id } } pageInfo { hasNextPage } }
        counted: facilities(first: 1) { totalCount edges { node { id } } }
        next: facilities(first: 1, after: $after) { edges { node { id } } pageInfo { hasPreviousPage } }
        operator: facilities(first: 1) { edges { node { id operator { id } } } } } } }`;
      const start = await compare(PAGE, { id: 'co-lynas', n: 1 });
      const { data, trips } = await compare(query, { id: 'co-lynas', after: start.data.node.facilities.pageInfo.endCursor });
      expect(data.node.counted.totalCount).toBe(3);
      expect(data.node.next.edges[0].node.id).not.toBe(data.node.first.edges[0].node.id);
      expect(trips).toBe(1);
      const [statement] = await statementOf(query, { id: 'co-lynas', after: start.data.node.facilities.pageInfo.endCursor });
      expect(statement).not.toContain('LIMIT 2 RETURN');
    });

    it('within a list: every parent gets its own first rows', async () => {
      const query = /* GraphQL */ `{ companies(first: 50, sort: { field: NAME }) { edges { node { id facilities(first: 1) { edges { node { id } } pageInfo { hasNextPage } } } } } }`;
      const { data, trips } = await compare(query);
      expect(data.companies.edges.filter((e: any) => e.node.facilities.pageInfo.hasNextPage).length).toBeGreaterThan(2);
      expect(trips).toBe(1);
    });
  });

  it('a relation past the cap of 500 is left to the loaders, which order it before cutting it', async () => {
    const ids = Array.from({ length: 501 }, (_, i) => `fac-test-crowd-${String(i).padStart(3, '0')}`);
    const crowd = (region: string, name: string, facilities: string[]) =>
      t.driver.executeQuery(
        `CREATE (r:Entity:Region {id: $region, name: $name, kind: 'test', sourceIds: ['seed-topcor-magnets']})
         WITH r UNWIND $ids AS id
         CREATE (:Entity:Facility {id: id, name: 'Crowd ' + id, kind: 'test', status: 'planned', sourceIds: ['seed-topcor-magnets']})-[:LOCATED_IN {key: 'LOCATED_IN:' + id + '->' + $region, sourceIds: ['seed-topcor-magnets']}]->(r)`,
        { region, name, ids: facilities },
        { database },
      );
    await crowd('reg-test-crowded', 'Crowded', ids);
    await crowd('reg-test-crowded-2', 'Crowded 2', Array.from({ length: 502 }, (_, i) => `fac-test-crowd-2-${String(i).padStart(3, '0')}`));
    try {
      const { data, trips } = await compare(/* GraphQL */ `{ node(id: "reg-test-crowded") { ... on Region { facilities(first: 3) { totalCount edges { node { id } } } parent { name } } } }`);
      expect(data.node.facilities.edges.map((e: any) => e.node.id)).toEqual(ids.slice(0, 3));
      // The count: the loaders' 500 rows reach the cap, so a statement of its own counts them all.
      expect(data.node.facilities.totalCount).toBe(501);
      expect(trips).toBe(3);
      // Two such relations in one level are counted by one statement, as they are loaded by one.
      const both = await compare(/* GraphQL */ `{ regions(where: { id: { in: ["reg-test-crowded", "reg-test-crowded-2"] } }) { edges { node { id facilities(first: 1) { totalCount } } } } }`);
      expect(both.data.regions.edges.map((e: any) => [e.node.id, e.node.facilities.totalCount])).toEqual([['reg-test-crowded', 501], ['reg-test-crowded-2', 502]]);
      expect(both.trips).toBe(3);
    } finally {
      await t.driver.executeQuery(`MATCH (n:Entity) WHERE n.id STARTS WITH 'reg-test-crowded' OR n.id STARTS WITH 'fac-test-crowd-' DETACH DELETE n`, {}, { database });
    }
  });

  it('what it does not fold still answers, through the loaders', async () => {
    // A path's nodes and impact's entities are loaded by the loaders, one batch per level.
    const { data, trips } = await compare(/* GraphQL */ `{ node(id: "fac-lovozero-gok") { ... on Facility {
      dependents(maxHops: 3) { path { nodes { id ... on Facility { region { name } } } } }
      impact { affected { entity { id ... on Facility { region { name } } } } }
    } } }`);
    expect(data.node.dependents.length).toBeGreaterThan(0);
    expect(data.node.impact.affected.length).toBeGreaterThan(0);
    expect(trips).toBeGreaterThan(3);
  });

  it("a traversal's entities fold into its statement, at the root and below a node, with or without paths", async () => {
    const entity = /* GraphQL */ `entity { id name ... on Facility { status region { name parent { name } } operator { name } inputs { material product { name } } } ... on Product { stage { name } } }`;
    const root = await compare(/* GraphQL */ `{ dependents(of: "dep-lovozero", maxHops: 4) { hops ${entity} } }`);
    expect(root.data.dependents.some((d: any) => d.entity.region?.parent)).toBe(true);
    expect(root.trips).toBe(1);
    const up = await compare(/* GraphQL */ `{ dependencies(of: "fac-glazov-magnet", maxHops: 4) { hops path { length } ${entity} } }`);
    expect(up.data.dependencies.length).toBeGreaterThan(0);
    expect(up.trips).toBe(1);
    // Below a node: the node's own statement, then the traversal's.
    const below = await compare(/* GraphQL */ `{ node(id: "el-nd") { ... on Element { symbol dependents(maxHops: 3, kinds: [FACILITY]) { ${entity} } } } }`);
    expect(below.data.node.dependents.length).toBeGreaterThan(0);
    expect(below.trips).toBe(2);
    expect(below.tripsWithoutCompiler).toBeGreaterThan(2);
  });
});
