import { graphql, parse, printSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { entityTypeNames, subgraphTypeDefs } from '../../src/federation';
import { buildSchema, readTypeDefs } from '../../src/schema';
import { resolvers } from '../../src/resolvers';

describe('the federation subgraph schema (no database)', () => {
  it('takes as entities the object types implementing Node with an id: ID!', () => {
    const document = parse(/* GraphQL */ `
      interface Node { id: ID! }
      type Keyed implements Node { id: ID! }
      type NullableId implements Node { id: ID }
      type NotANode { id: ID! }
    `);
    expect(entityTypeNames(document)).toEqual(['Keyed']);
    expect(entityTypeNames(subgraphTypeDefs(readTypeDefs()))).toEqual([
      'Company', 'Deposit', 'Element', 'Facility', 'Figure', 'Product', 'Region', 'Source', 'SupplyChainStage',
    ]);
  });

  it('adds _service and _entities only with federation; the default schema is the SDL of schema/ as before', async () => {
    const federated = buildSchema({ federation: true });
    const fields = Object.keys(federated.getQueryType()!.getFields());
    expect(fields).toEqual(expect.arrayContaining(['_service', '_entities', 'node', 'facilities']));
    const { data } = await graphql({ schema: federated, source: /* GraphQL */ `{ _service { sdl } }` });
    expect((data as { _service: { sdl: string } })._service.sdl).toMatch(/^type Facility implements Entity & Node\s+@key\(fields: "id"\)/m);

    const plain = buildSchema();
    expect(Object.keys(plain.getQueryType()!.getFields())).not.toContain('_service');
    expect(printSchema(plain)).toBe(printSchema(makeExecutableSchema({ typeDefs: readTypeDefs(), resolvers })));
  });

  it('keeps the interfaces resolving their types in the subgraph', async () => {
    const federated = buildSchema({ federation: true });
    expect(federated.getType('_Entity')).toBeDefined();
    for (const name of ['Node', 'Entity']) {
      const type = federated.getType(name) as { resolveType?: unknown };
      expect(typeof type.resolveType).toBe('function');
    }
  });
});
