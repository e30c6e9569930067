import { Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config';
import { loadExamples } from '../examples';
import { explorerRouter } from './explorer';
import { graphPageRouter } from './graphPage';
import { landingPagePlugin } from './landingPage';
import { schemaDownloadRouter } from './schemaDownload';

/**
 * Everything a browser or a frontend developer fetches besides GraphQL itself: the Sandbox landing page
 * (an Apollo plugin on /graphql), /explorer, /graph and /schema.graphql. Each is on or off by
 * configuration; a page that is off is a plain 404.
 */
export interface Pages {
  readonly landingPage: ReturnType<typeof landingPagePlugin>;
  readonly router: Router;
}

export function createPages(pages: Config['pages'], introspection: boolean, schema: GraphQLSchema): Pages {
  const examples = loadExamples();
  const router = Router();
  if (pages.explorer) router.use(explorerRouter(examples));
  if (pages.graph) router.use(graphPageRouter());
  if (introspection) router.use(schemaDownloadRouter(schema));
  return { landingPage: landingPagePlugin(pages.sandbox, examples), router };
}
