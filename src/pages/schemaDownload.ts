import { Router } from 'express';
import { printSchema, type GraphQLSchema } from 'graphql';

export const SCHEMA_PATH = '/schema.graphql';

/**
 * GET /schema.graphql: the SDL of the executable schema, for code generators and IDEs. It tells what
 * introspection tells, so it is served only when introspection is on.
 */
export function schemaDownloadRouter(schema: GraphQLSchema): Router {
  const sdl = printSchema(schema) + '\n';
  const router = Router();
  router.get(SCHEMA_PATH, (_req, res) => {
    res.type('text/plain').set('content-disposition', 'inline; filename="schema.graphql"').send(sdl);
  });
  return router;
}
