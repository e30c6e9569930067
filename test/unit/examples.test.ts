import { parse, validate } from 'graphql';
import { combinedDocument, combinedVariables, loadExamples } from '../../src/examples';
import { buildSchema } from '../../src/schema';

describe('the example operations', () => {
  const examples = loadExamples();

  it('are the six questions and the live subscription, each a named operation with a leading comment', () => {
    expect(examples.map((e) => e.operationName)).toEqual(['FacilitiesDependingOnDeposit', 'SupplyPath', 'ImpactOfStoppage', 'StageShares', 'Search', 'PlantsDependingOnElement', 'LiveChanges']);
    expect(examples.map((e) => e.operationType)).toEqual([...Array(6).fill('query'), 'subscription']);
    for (const example of examples) {
      expect(example.document.startsWith('# ')).toBe(true);
      expect(example.description.length).toBeGreaterThan(20);
    }
    expect(examples[0]!.variables).toEqual({ deposit: 'dep-tastyg' });
    expect(examples[2]!.variables).toEqual({ plants: ['fac-lovozero-gok'] });
    expect(examples[5]!.variables).toEqual({ element: 'el-dy', maxHops: 6 });
    expect(examples[6]!.variables).toEqual({});
  });

  it('are valid against the schema, alone and combined into the Sandbox document', () => {
    const schema = buildSchema();
    for (const example of examples) expect(validate(schema, parse(example.document))).toEqual([]);
    expect(validate(schema, parse(combinedDocument(examples)))).toEqual([]);
  });

  it('agree on the defaults of the variables they share', () => {
    expect(combinedVariables(examples)).toMatchObject({ deposit: 'dep-tastyg', from: 'dep-lovozero', to: 'prod-ndfeb-magnet', stage: 'separation', text: 'Tastig' });
  });
});
