import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadExamples } from '../../src/examples';
import { buildWeb } from '../../web/build';
import { startTestServer, type RunningServer } from '../support/testServer';
import { launchChromium, withPage } from './browser';

/** The explorer and the /graph page in a real (headless) Chromium, over the real server and database. */
let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  // The page as the sources are now (npm install built it once; the tests must not see a stale bundle).
  [server, browser] = await Promise.all([startTestServer(), launchChromium(), buildWeb()]).then(([s, b]) => [s, b] as const);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const graphNodeIds = (page: Page) => page.evaluate(() => window.graphPage!.cy.nodes().map((n) => n.id()));

/** Clicks an entity on the cytoscape canvas, where it is drawn. */
async function clickGraphNode(page: Page, id: string): Promise<void> {
  const position = await page.evaluate((nodeId) => {
    const { cy } = window.graphPage!;
    const box = cy.container()!.getBoundingClientRect();
    const p = cy.getElementById(nodeId).renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
  await page.mouse.click(position.x, position.y);
}

describe('/explorer (Ruru, offline)', () => {
  it('loads with a tab per example, runs one and shows its result, fetching nothing from elsewhere', async () => {
    const record = await withPage(browser, server.url, 'explorer', async (page) => {
      await page.goto(`${server.url}/explorer`);
      const tabs = page.locator('.graphiql-tab');
      await tabs.nth(loadExamples().length - 1).waitFor();
      expect(await tabs.allTextContents()).toEqual(loadExamples().map((e) => expect.stringContaining(e.operationName)));
      // The explorer plugin lists the root fields once the schema is introspected.
      await page.locator('.graphiql-plugin').getByText('supplyShares').first().waitFor();
      // GraphiQL ignores the run button until both Monaco editors are mounted.
      await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
      await page.locator('.result-window .monaco-editor').waitFor({ state: 'attached' });

      const answered = page.waitForResponse((r) => r.url() === `${server.url}/graphql` && r.request().postDataJSON()?.operationName === 'FacilitiesDependingOnDeposit');
      await page.locator('.graphiql-execute-button').click();
      const body = await (await answered).json();
      expect(body.data.dependents.map((d: { entity: { id: string } }) => d.entity.id)).toEqual(['fac-tastyg-mine', 'fac-areal-tastyg-lithium-salts', 'fac-elbrus-lioh']);
      await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('fac-tastyg-mine'));
    });
    expect(record.foreignRequests).toEqual([]);
    expect(record.failedRequests).toEqual([]);
    // (The explorer plugin logs a console error for list-valued variable defaults; it works regardless.)
    expect(record.pageErrors).toEqual([]);
  });
});

describe('/graph', () => {
  it('finds Tastyg, draws its dependents, expands a clicked node into the side panel, follows the year, and charts shares', async () => {
    const record = await withPage(browser, server.url, 'graph', async (page) => {
      await page.goto(`${server.url}/graph`);
      await page.locator('#search').fill('Tastyg');
      await page.locator('#search-results button[data-id="dep-tastyg"]').click();

      // The lithium hydroxide plant is drawn two hops downstream, fed by planned (dashed) links.
      const lioh = page.locator('#entity-list button[data-id="fac-elbrus-lioh"]');
      await lioh.waitFor();
      expect(await lioh.textContent()).toContain('2 hops downstream');
      expect(await graphNodeIds(page)).toEqual(expect.arrayContaining(['dep-tastyg', 'fac-tastyg-mine', 'fac-elbrus-lioh', 'prod-lioh']));
      const planned = await page.evaluate(() => window.graphPage!.cy.edges('[status = "PLANNED"]').map((e) => [e.data('label'), e.style('line-style')]));
      expect(planned).toEqual(expect.arrayContaining([['Tastyg lithium concentrate', 'dashed']]));
      await page.locator('#entity-name', { hasText: 'Tastyg (Tastygskoye) lithium deposit' }).waitFor();

      // A click on the spodumene concentrate adds what else makes it (the Kolmozero plant) and shows its sources.
      expect(await graphNodeIds(page)).not.toContain('fac-kolmozero-gok');
      await clickGraphNode(page, 'prod-spodumene-conc');
      await page.locator('#entity-list button[data-id="fac-kolmozero-gok"]').waitFor();
      await page.locator('#entity-name', { hasText: 'Spodumene' }).waitFor();
      expect(await page.locator('#entity-sources li').count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => window.graphPage!.cy.getElementById('prod-spodumene-conc').hasClass('expanded'))).toBe(true);

      // As of 2028 nothing of the Tastyg chain operates yet: the plant is gone from the drawing.
      await page.locator('#as-of').evaluate((input: HTMLInputElement) => {
        input.value = '2028';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction(() => !document.querySelector('#entity-list button[data-id="fac-elbrus-lioh"]'));
      expect(page.url()).toContain('asOf=2028');

      // Country shares of separation (the default stage), then of mining.
      await page.locator('#shares-table tr', { hasText: 'China' }).waitFor({ state: 'attached' });
      expect(await page.locator('#shares-table tr').allTextContents()).toEqual(['China91%']);
      await page.locator('#share-stage').selectOption('stage-mining');
      await page.locator('#shares-table tr', { hasText: 'United States' }).waitFor({ state: 'attached' });
      const paintedPixels = await page.locator('#shares-chart').evaluate((canvas: HTMLCanvasElement) => {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted += 1;
        return painted;
      });
      expect(paintedPixels).toBeGreaterThan(5_000);

      if (process.env.UPDATE_SCREENSHOT === '1') await docsScreenshot(page);
    });
    expect(record).toEqual({ foreignRequests: [], failedRequests: [], pageErrors: [], consoleErrors: [] });
  });
});

/** docs/graph.png for the README: `UPDATE_SCREENSHOT=1 npx jest test/browser`. */
async function docsScreenshot(page: Page): Promise<void> {
  await page.goto(`${server.url}/graph?focus=fac-glazov-magnet&hops=4`);
  await page.locator('#entity-list button[data-id="fac-smz"]').waitFor();
  await page.locator('#share-stage').selectOption('stage-mining');
  await page.locator('#shares-table tr', { hasText: 'United States' }).waitFor({ state: 'attached' });
  await clickGraphNode(page, 'fac-smz');
  await page.locator('#entity-name', { hasText: 'Solikamsk' }).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.resolve(__dirname, '..', '..', 'docs', 'graph.png') });
}
