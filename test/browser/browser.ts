import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); browser downloads do not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'test-results');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageRecord {
  /** Requests to anywhere but `origin` (data: and blob: URLs aside). */
  readonly foreignRequests: string[];
  /** Answers with an HTTP error status, as `status url`. */
  readonly failedRequests: string[];
  /** Uncaught exceptions. */
  readonly pageErrors: string[];
  /** What the page logged with console.error. */
  readonly consoleErrors: string[];
}

/**
 * Runs `use` on a fresh page (own storage, so no saved explorer tabs) and records what left the origin
 * and what went wrong. On failure a full-page screenshot goes to test-results/<name>.png.
 */
export async function withPage(browser: Browser, origin: string, name: string, use: (page: Page, record: PageRecord) => Promise<void>): Promise<PageRecord> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  const page = await context.newPage();
  const record: PageRecord = { foreignRequests: [], failedRequests: [], pageErrors: [], consoleErrors: [] };
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)) record.foreignRequests.push(url);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) record.failedRequests.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  try {
    await use(page, record);
    return record;
  } catch (error) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}
