import path from 'node:path';
import express, { Router } from 'express';
import { ruruHTML, type RuruClientConfig } from 'ruru/server';
import type { Example } from '../examples';

export const EXPLORER_PATH = '/explorer';
/** The URL of Ruru's own assets (its bundle, Monaco's workers, a font); never a CDN. */
const STATIC_PATH = `${EXPLORER_PATH}/static/`;
/**
 * The installed package's static/ folder: the same files `ruru/static` serves from memory. (Its loader
 * uses a dynamic import() that Jest's module sandbox cannot run, so the files are served from disk.)
 */
const RURU_STATIC_DIR = path.join(path.dirname(require.resolve('ruru')), '..', 'static');

/**
 * The props Ruru's React component gets (RURU_CONFIG). Ruru hands every prop on to GraphiQL's provider,
 * so GraphiQL props that `RuruClientConfig` does not name (defaultTabs, visiblePlugin) work too.
 */
interface ExplorerClientConfig {
  /** One editor tab per example, the subscription too (GraphiQL uses them when the browser has no saved tabs). */
  readonly defaultTabs: readonly { readonly query: string; readonly variables: string }[];
  /** The plugin open on load: the explorer, which builds queries by ticking fields. */
  readonly visiblePlugin: string;
  /** Show deprecated arguments and input fields in the docs. */
  readonly inputValueDeprecation: boolean;
}

/** The explorer page: the whole HTML, built once. Its scripts and styles all come from STATIC_PATH. */
export function explorerHTML(examples: readonly Example[]): string {
  const clientConfig: ExplorerClientConfig = {
    defaultTabs: examples.map((e) => ({ query: e.document, variables: JSON.stringify(e.variables, null, 2) })),
    visiblePlugin: 'GraphiQL Explorer',
    inputValueDeprecation: true,
  };
  // RuruClientConfig is built from graphiql's types, which this project's module resolution (node10)
  // cannot load: every prop would read as a required `any`. The cast states what ruruHTML serialises.
  return ruruHTML({
    staticPath: STATIC_PATH,
    endpoint: '/graphql',
    // Subscriptions over graphql-ws: Ruru turns a path into ws(s)://<the page's host>/graphql in the browser.
    subscriptionEndpoint: '/graphql',
    clientConfig: clientConfig as unknown as RuruClientConfig,
    htmlParts: {
      titleTag: '<title>Explorer · critical-minerals graph</title>',
      // No favicon request (which would 404).
      metaTags: (original) => `${original}\n<link rel="icon" href="data:," />`,
    },
  });
}

/** GET /explorer (the page) and /explorer/static/* (Ruru's assets, from the installed package). */
export function explorerRouter(examples: readonly Example[]): Router {
  const html = explorerHTML(examples);
  const router = Router();
  router.get(EXPLORER_PATH, (_req, res) => {
    res.type('html').send(html);
  });
  router.use(STATIC_PATH, express.static(RURU_STATIC_DIR, { index: false, maxAge: '1h' }));
  return router;
}
