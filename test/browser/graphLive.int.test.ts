import fs from 'node:fs';
import type { Browser, Download, Page, WebSocketRoute } from 'playwright-core';
import { until } from '../../harness/events';
import { sha256Hex } from '../../src/auth';
import { buildWeb } from '../../web/build';
import { removeTestData } from '../support/cleanup';
import { startTestServer, type RunningServer } from '../support/testServer';
import { launchChromium, withPage } from './browser';

/**
 * Issue #16 in a real (headless) Chromium: the /graph page redraws when a write concerns what it draws
 * and resumes after a dropped connection without missing a change; it exports what it draws and the
 * country shares; the explorer runs the example subscription over WebSocket.
 */
const PREFIX = 'fac-graphlive-';
const SOURCE_PREFIX = 'src-graphlive-';
const ACTOR = 'graph-live-test';
const WRITER_KEY = 'writer-key-for-the-graph-page-live-tests';
const MINE = `${PREFIX}mine`;
const PLANT = `${PREFIX}plant`;
/** Quotes and a comma: the CSV export must escape them. */
const MINE_NAME = 'Graph live test mine, "pilot"';
const SEED_SOURCE = { id: 'seed-topcor-magnets' };
const LINK_SOURCE = { id: `${SOURCE_PREFIX}note`, title: 'Graph live test note, with a comma', url: 'https://example.org/graph-live-note' };

let server: RunningServer;
let browser: Browser;

async function write(query: string, variables: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': WRITER_KEY },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`write failed: ${JSON.stringify(body.errors)}`);
}

const upsertFacility = (id: string, name: string) =>
  write(/* GraphQL */ `mutation ($input: FacilityInput!, $sources: [SourceInput!]!) { upsertFacility(input: $input, sources: $sources) { created } }`, {
    input: { id, name, kind: 'test plant', status: 'OPERATING' },
    sources: [SEED_SOURCE],
  });

const feeds = (from: string, to: string) =>
  write(/* GraphQL */ `mutation ($input: LinkInput!, $sources: [SourceInput!]!) { connect(input: $input, sources: $sources) { created } }`, {
    input: { type: 'FEEDS', from, to, product: 'prod-loparite-conc', material: 'test concentrate', status: 'OPERATING' },
    sources: [LINK_SOURCE],
  });

async function sourceOf(id: string): Promise<{ id: string; title: string; url: string | null }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: /* GraphQL */ `query ($id: ID!) { source(id: $id) { id title url } }`, variables: { id } }),
  });
  return ((await response.json()) as { data: { source: { id: string; title: string; url: string | null } } }).data.source;
}

/** The page's change subscriptions that the server follows (each one the audit follower tells of every commit). */
const followers = () => server.app.live!.follower.size;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ API_KEYS: `${ACTOR}:writer:${sha256Hex(WRITER_KEY)}` }), launchChromium(), buildWeb()]).then(([s, b]) => [s, b] as const);
  await upsertFacility(MINE, MINE_NAME);
  await upsertFacility(PLANT, 'Graph live test plant');
  await feeds(MINE, PLANT);
});
beforeEach(async () => {
  // Pages of earlier tests are closed; their subscriptions end on the server soon after.
  await until(async () => followers() === 0, 'earlier subscriptions ended', 10_000);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeTestData({ prefix: PREFIX, actors: [ACTOR] });
  await removeTestData({ prefix: SOURCE_PREFIX });
});

/** Opens /graph on the test mine, live: it draws the plant, and the server follows its subscription. */
async function openLive(page: Page): Promise<void> {
  await page.goto(`${server.url}/graph?focus=${MINE}`);
  await page.locator(`#entity-list button[data-id="${PLANT}"]`).waitFor();
  await page.locator('#live-state[data-state="live"]').waitFor();
  await until(async () => followers() === 1, 'the page subscribed', 10_000);
}

const nodeLabel = (page: Page, id: string) => page.evaluate((nodeId) => window.graphPage!.cy.getElementById(nodeId).data('label') as string, id);

async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.locator(button).click()])) as [Download, void];
  return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
}

describe('/graph live updates', () => {
  it('redraws when a drawn entity changes, and after a dropped connection resumes without missing a change', async () => {
    const record = await withPage(browser, server.url, 'graph-live', async (page) => {
      // Every WebSocket of the page goes through here: the first straight to the server, later ones
      // (reconnections) only once `reconnect` resolves, so the test decides when the page is back.
      const sockets: { page: WebSocketRoute; server?: WebSocketRoute }[] = [];
      let reconnect!: () => void;
      const reconnected = new Promise<void>((resolve) => (reconnect = resolve));
      await page.routeWebSocket(/\/graphql$/, (ws) => {
        const socket: { page: WebSocketRoute; server?: WebSocketRoute } = { page: ws };
        sockets.push(socket);
        if (sockets.length === 1) {
          socket.server = ws.connectToServer();
          return;
        }
        const early: (string | Buffer)[] = [];
        ws.onMessage((message) => (socket.server ? socket.server.send(message) : early.push(message)));
        void reconnected.then(() => {
          socket.server = ws.connectToServer();
          for (const message of early) socket.server.send(message);
        });
      });
      await openLive(page);
      const plantButton = page.locator(`#entity-list button[data-id="${PLANT}"]`);
      const notice = page.locator('#live-notice');

      // A drawn entity renamed through the API: the list and the drawing show the new name, and the page says why.
      await upsertFacility(PLANT, 'Graph live test plant, renamed');
      await plantButton.filter({ hasText: 'Graph live test plant, renamed' }).waitFor();
      await notice.filter({ hasText: `Updated live: UPDATE ${PLANT} by ${ACTOR} at ` }).waitFor();
      expect(await nodeLabel(page, PLANT)).toContain('Graph live test plant, renamed');

      // The connection drops; while the page is away, a new plant is linked to the drawn one.
      await sockets[0]!.page.close({ code: 1012, reason: 'test: service restart' });
      await sockets[0]!.server?.close();
      await page.locator('#live-state[data-state="reconnecting"]').waitFor();
      const third = `${PREFIX}third`;
      await upsertFacility(third, 'Graph live test downstream plant');
      await feeds(PLANT, third);
      expect(await page.locator(`#entity-list button[data-id="${third}"]`).count()).toBe(0);

      // Back, the page resumes after the last change it received: the link is drawn, and announced.
      reconnect();
      await page.locator(`#entity-list button[data-id="${third}"]`).waitFor();
      await notice.filter({ hasText: `Updated live: CONNECT FEEDS:${PLANT}->${third} by ${ACTOR}` }).waitFor();
      await page.locator('#live-state[data-state="live"]').waitFor();
      expect(await page.evaluate(() => window.graphPage!.cy.edges().map((e) => `${e.source().id()}->${e.target().id()}`))).toEqual(
        expect.arrayContaining([`${MINE}->${PLANT}`, `${PLANT}->${third}`]),
      );
    });
    expect(record).toEqual({ foreignRequests: [], failedRequests: [], pageErrors: [], consoleErrors: [] });
  });
});

describe('/graph exports', () => {
  it('downloads what is drawn as CSV and JSON, every entity and link with its sources, and the country shares', async () => {
    const record = await withPage(browser, server.url, 'graph-exports', async (page) => {
      await openLive(page);
      const drawnEntities = await page.locator('#entity-list button').count();
      const drawnLinks = await page.evaluate(() => window.graphPage!.cy.edges().length);

      const csv = await downloaded(page, '#export-graph-csv');
      expect(csv.name).toBe(`graph-${MINE}.csv`);
      const lines = csv.text.split('\r\n');
      expect(lines[0]).toBe('record,id,name,kind,direction,hops,type,from,to,material,status,source_ids,source_titles,source_urls');
      expect(lines.at(-1)).toBe('');
      expect(lines).toHaveLength(1 + drawnEntities + drawnLinks + 1);
      const seed = await sourceOf(SEED_SOURCE.id);
      expect(lines).toContain(`entity,${MINE},"Graph live test mine, ""pilot""",FACILITY,centre,0,,,,,,${seed.id},${csvText(seed.title)},${seed.url ?? ''}`);
      expect(lines).toContain(
        `link,FEEDS:${MINE}->${PLANT},,,,,FEEDS,${MINE},${PLANT},test concentrate,OPERATING,${LINK_SOURCE.id},"${LINK_SOURCE.title}",${LINK_SOURCE.url}`,
      );

      const json = await downloaded(page, '#export-graph-json');
      expect(json.name).toBe(`graph-${MINE}.json`);
      const data = JSON.parse(json.text);
      expect(data).toMatchObject({ centre: MINE, maxHops: 6, asOf: null });
      expect(data.entities).toHaveLength(drawnEntities);
      expect(data.entities[0]).toEqual({ id: MINE, name: MINE_NAME, kind: 'FACILITY', direction: 'centre', hops: 0, sources: [seed] });
      expect(data.links).toContainEqual({ id: `FEEDS:${MINE}->${PLANT}`, type: 'FEEDS', from: MINE, to: PLANT, material: 'test concentrate', status: 'OPERATING', sources: [LINK_SOURCE] });

      // The chart's default: rare-earth separation, China's 91%, with the sources that state it.
      await page.locator('#shares-table tr', { hasText: 'China' }).waitFor({ state: 'attached' });
      const shares = await downloaded(page, '#export-shares-csv');
      expect(shares.name).toMatch(/^shares-stage-separation-rare-earths-\d{4}\.csv$/);
      const shareLines = shares.text.split('\r\n');
      expect(shareLines[0]).toBe('stage,commodity,year,country_id,country,share_pct,derived,metric,source_ids,source_titles,source_urls');
      expect(shareLines[1]).toMatch(/^Separation[^,]*,rare earths,\d{4},[\w-]+,China,91,false,/);
      const sharesJson = JSON.parse((await downloaded(page, '#export-shares-json')).text);
      expect(sharesJson.shares[0]).toMatchObject({ country: { name: 'China' }, sharePct: 91 });
      expect(sharesJson.shares[0].sources.length).toBeGreaterThan(0);
      expect(shareLines[1]).toContain(sharesJson.shares[0].sources[0].id);
    });
    expect(record).toEqual({ foreignRequests: [], failedRequests: [], pageErrors: [], consoleErrors: [] });
  });
});

/** A cell as the export writes it (quoted when it holds a quote, a comma or a line break). */
function csvText(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

describe('/explorer subscriptions', () => {
  it('runs the example subscription over WebSocket and shows a change as it commits', async () => {
    const record = await withPage(browser, server.url, 'explorer-subscription', async (page) => {
      await page.goto(`${server.url}/explorer`);
      // The explorer plugin lists the root fields once the schema is introspected: GraphiQL runs nothing before.
      await page.locator('.graphiql-plugin').getByText('supplyShares').first().waitFor();
      // The tab switches the editors' text once they are mounted (Monaco writes spaces as U+00A0).
      await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
      await page.locator('.result-window .monaco-editor').waitFor({ state: 'attached' });
      await page.locator('.graphiql-tab', { hasText: 'LiveChanges' }).click();
      await page.locator('.graphiql-query-editor', { hasText: /subscription.LiveChanges/ }).waitFor();
      // GraphiQL names the operation to run from the editor's cursor: put it in the subscription (right
      // after a tab switch it may still hold the first tab's name, and send the document over HTTP).
      await page.locator('.graphiql-query-editor .view-line', { hasText: /subscription.LiveChanges/ }).click();
      await page.locator('.graphiql-execute-button').click();
      await until(async () => followers() === 1, 'the explorer subscribed', 10_000);

      const id = `${PREFIX}explorer`;
      await upsertFacility(id, 'Graph live test plant from the explorer');
      await page.waitForFunction((target) => document.querySelector('.result-window')?.textContent?.includes(target), id);
      // (Monaco writes spaces as U+00A0, which \s matches.)
      expect(await page.locator('.result-window').textContent()).toMatch(/"action":\s"CREATE",\s+"target":\s"fac-graphlive-explorer"/);
    });
    expect(record.foreignRequests).toEqual([]);
    expect(record.failedRequests).toEqual([]);
    expect(record.pageErrors).toEqual([]);
  });
});
