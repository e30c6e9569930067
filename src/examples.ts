import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, valueFromASTUntyped, type OperationDefinitionNode, type OperationTypeNode } from 'graphql';
import { projectPath } from './paths';

/**
 * The example operations in examples/*.graphql: one named operation per file, introduced by `#` comment
 * lines that say what it asks. Variables take their defaults from the document itself
 * (`$deposit: ID! = "dep-tastyg"`), so every file runs as it is and the defaults cannot drift from it.
 * The Sandbox landing page, the offline explorer, the typed client and the tests all read them here.
 * Most are queries; a subscription runs over WebSocket only (never POST /graphql), so a runner over
 * HTTP takes the examples whose `operationType` is `query`.
 * They are data files, not code: found through `projectPath('examples')`, so the same code reads them
 * from src/ (tsx, ts-jest) and from compiled output in dist/.
 */
export interface Example {
  /** File name, for example `01-facilities-depending-on-tastyg.graphql`. */
  readonly file: string;
  /** Name of the operation, for example `FacilitiesDependingOnDeposit`. */
  readonly operationName: string;
  /** `query`, or `subscription` for an example to run over WebSocket (graphql-ws). */
  readonly operationType: OperationTypeNode;
  /** The leading comment, without the `#`s: what the operation asks. */
  readonly description: string;
  /** The whole file, comment included. */
  readonly document: string;
  /** The default values of the operation's variables (those that have one). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The folder of the example operations: examples/ at the project root. */
export const EXAMPLES_DIR = projectPath('examples');

/** Reads every example, in file-name order; throws naming the file when one breaks the conventions. */
export function loadExamples(dir: string = EXAMPLES_DIR): Example[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => parseExample(file, fs.readFileSync(path.join(dir, file), 'utf8')));
}

function parseExample(file: string, document: string): Example {
  const operations = parse(document).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const [operation] = operations;
  if (operations.length !== 1 || !operation?.name) throw new Error(`examples/${file}: expected exactly one named operation`);
  const comment = document.match(/^(?:#.*\n)+/)?.[0];
  if (!comment) throw new Error(`examples/${file}: expected a leading # comment saying what the operation asks`);
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variables[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return {
    file,
    operationName: operation.name.value,
    operationType: operation.operation,
    description: comment.replace(/^#\s?/gm, '').trim().replace(/\n/g, ' '),
    document,
    variables,
  };
}

/** All examples as one document (for tools that take a single document and let you pick the operation). */
export function combinedDocument(examples: readonly Example[]): string {
  return examples.map((e) => e.document.trim()).join('\n\n') + '\n';
}

/**
 * The default variables of all examples in one object, for tools with a single variables pane. Examples
 * that share a variable name must agree on its default.
 */
export function combinedVariables(examples: readonly Example[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const example of examples) {
    for (const [name, value] of Object.entries(example.variables)) {
      if (name in merged && JSON.stringify(merged[name]) !== JSON.stringify(value)) {
        throw new Error(`examples/${example.file}: $${name} has a default that differs from another example's`);
      }
      merged[name] = value;
    }
  }
  return merged;
}
