/**
 * Bundles the /graph page (web/graph/) into web/dist/graph/ with esbuild: `npm run build:web`, run by
 * `npm install`/`npm ci` through `prepare`. The server serves web/dist/graph/ as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { projectPath } from '../src/paths';

const SOURCE_DIR = projectPath('web', 'graph');
/** The folder the server serves /graph from (GRAPH_DIST_DIR in src/pages/graphPage.ts: the same path). */
export const OUT_DIR = projectPath('web', 'dist', 'graph');

export async function buildWeb(options: { readonly minify?: boolean } = {}): Promise<void> {
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(SOURCE_DIR, 'main.ts'), path.join(SOURCE_DIR, 'style.css')],
    outdir: OUT_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    // graphql-js checks process.env.NODE_ENV for its development-only instanceof diagnostics.
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(SOURCE_DIR, 'index.html'), path.join(OUT_DIR, 'index.html'));
}

if (require.main === module) {
  const started = Date.now();
  buildWeb().then(
    () => console.log(`web/dist/graph built in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
