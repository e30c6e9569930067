import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { projectPath } from '../paths';

export const GRAPH_PATH = '/graph';
/** Where `npm run build:web` (web/build.ts) writes the bundled page. */
export const GRAPH_DIST_DIR = projectPath('web', 'dist', 'graph');

/**
 * The page may talk to this origin only (our /graphql), and run only its own bundle. Inline styles are
 * allowed because cytoscape and Chart.js size their canvases with them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * GET /graph: the visual supply-chain page, the static files web/build.ts bundled. A server started
 * before the page was built answers 503 saying how to build it (and serves it once built, no restart).
 */
export function graphPageRouter(distDir: string = GRAPH_DIST_DIR): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
  router.use(GRAPH_PATH, (_req, res, next) => {
    if (fs.existsSync(index)) {
      res.set('content-security-policy', CONTENT_SECURITY_POLICY);
      next();
      return;
    }
    res.status(503).type('text/plain').send('The /graph page is not built: run `npm run build:web` (npm install runs it too), then reload.\n');
  });
  router.get(GRAPH_PATH, (_req, res) => {
    res.sendFile(index);
  });
  router.use(GRAPH_PATH, express.static(distDir, { index: 'index.html', fallthrough: true }));
  return router;
}
