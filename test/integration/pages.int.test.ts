import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadExamples } from '../../src/examples';
import { graphPageRouter } from '../../src/pages/graphPage';
import { startTestServer, type RunningServer } from '../support/testServer';

let on: RunningServer;
let off: RunningServer;
beforeAll(async () => {
  on = await startTestServer();
  off = await startTestServer({ SANDBOX: 'false', EXPLORER: 'false', GRAPH_PAGE: 'false', INTROSPECTION: 'false' });
});
afterAll(async () => {
  await Promise.all([on.close(), off.close()]);
});

const browserGet = (url: string) => fetch(url, { headers: { accept: 'text/html' } });

describe('the Apollo Sandbox landing page on /graphql', () => {
  it('embeds the Sandbox with every example operation and its default variables', async () => {
    const response = await browserGet(`${on.url}/graphql`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    for (const example of loadExamples()) expect(html).toContain(`${example.operationType} ${example.operationName}(`);
    expect(html).toContain('dep-tastyg');
  });

  it('is not served when SANDBOX=false', async () => {
    const response = await browserGet(`${off.url}/graphql`);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('<html');
  });
});

describe('the offline explorer on /explorer', () => {
  it('references only assets of this server, and serves every one of them', async () => {
    const response = await browserGet(`${on.url}/explorer`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"|import[^"']*["']([^"']+\.js)["']/g)].map((m) => m[1] ?? m[2]!).filter((url) => !url.startsWith('data:'));
    expect(urls).toEqual(expect.arrayContaining(['/explorer/static/ruru.js', '/explorer/static/ruru.css']));
    expect(html).not.toMatch(/https?:\/\//);
    for (const url of new Set(urls)) {
      expect(url).toMatch(/^\/explorer\/static\//);
      const asset = await fetch(`${on.url}${url}`);
      expect([url, asset.status]).toEqual([url, 200]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('opens one tab per example, with its default variables, and the explorer plugin; subscriptions go over WebSocket', async () => {
    const html = await (await browserGet(`${on.url}/explorer`)).text();
    const config = JSON.parse(html.match(/const RURU_CONFIG = (\{[\s\S]*?\});\n/)![1]!);
    // A path: Ruru makes it ws(s)://<the page's host>/graphql in the browser (the browser test runs one).
    expect(config).toMatchObject({ endpoint: '/graphql', subscriptionEndpoint: '/graphql', staticPath: '/explorer/static/', visiblePlugin: 'GraphiQL Explorer' });
    expect(config.defaultTabs).toEqual(loadExamples().map((e) => ({ query: e.document, variables: JSON.stringify(e.variables, null, 2) })));
  });

  it('lets browsers cache the assets, and has no others', async () => {
    const css = await fetch(`${on.url}/explorer/static/ruru.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('etag')).toBeTruthy();
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await fetch(`${on.url}/explorer/static/nope.js`)).status).toBe(404);
  });

  it('is a 404 when EXPLORER=false', async () => {
    expect((await browserGet(`${off.url}/explorer`)).status).toBe(404);
    expect((await fetch(`${off.url}/explorer/static/ruru.js`)).status).toBe(404);
  });
});

describe('the /graph page', () => {
  it('is a 404 when GRAPH_PAGE=false', async () => {
    expect((await browserGet(`${off.url}/graph`)).status).toBe(404);
  });

  it('says how to build it when web/dist is missing (503, not 500), with no restart needed once built', async () => {
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-web-dist-'));
    const app = express().use(graphPageRouter(distDir));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graph`;
    try {
      const missing = await browserGet(url);
      expect(missing.status).toBe(503);
      expect(await missing.text()).toMatch(/run `npm run build:web`/);
      fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>graph</title>');
      fs.writeFileSync(path.join(distDir, 'main.js'), 'export {};');
      const built = await browserGet(url);
      expect(built.status).toBe(200);
      expect(built.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await built.text()).toContain('<title>graph</title>');
      expect((await fetch(`${url}/main.js`)).headers.get('content-type')).toMatch(/javascript/);
    } finally {
      server.close();
      fs.rmSync(distDir, { recursive: true, force: true });
    }
  });
});
