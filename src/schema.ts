import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type * as Federation from './federation';
import { projectPath } from './paths';
import { resolvers } from './resolvers';

/** Directory of the SDL files: the API contract and the single source of truth for types. */
export const SCHEMA_DIR = projectPath('schema');

/** The SDL of all files in schema/, in a stable order. */
export function readTypeDefs(dir: string = SCHEMA_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

export interface SchemaOptions {
  /** Build an Apollo Federation 2 subgraph schema (FEDERATION=true). */
  readonly federation?: boolean;
}

/** The executable schema: the SDL of schema/ with the resolvers, or the same as a Federation 2 subgraph (federation.ts). */
export function buildSchema(options: SchemaOptions = {}): GraphQLSchema {
  if (options.federation) {
    // Loaded here, not imported: federation.ts brings @apollo/subgraph, which only a subgraph needs.
    const { buildFederatedSchema } = require('./federation') as typeof Federation;
    return buildFederatedSchema(readTypeDefs(), resolvers);
  }
  return makeExecutableSchema({ typeDefs: readTypeDefs(), resolvers, inheritResolversFromInterfaces: false });
}
