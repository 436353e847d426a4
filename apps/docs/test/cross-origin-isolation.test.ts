import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_DIR } from '../scripts/paths.js';
import { THREADED_WASM } from '../scripts/static-assets.js';
import { launchChromium, PAGE_LOAD_TIMEOUT_MS, SKIP_BROWSER_TESTS } from './chromium.js';
import { serveSite } from './static-server.js';

const DEMO = '/demos/plain-vs-residual.html';

describe.skipIf(SKIP_BROWSER_TESTS)('cross-origin isolation: threaded WASM in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(SITE_DIR, 'index.html'))) {
      throw new Error(`${SITE_DIR} has no site: run \`pnpm --filter docs build\` first.`);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A page in a fresh context (no service worker left from another test), with its problems. */
  async function freshPage(): Promise<{ page: Page; problems: string[]; fetched: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultNavigationTimeout(PAGE_LOAD_TIMEOUT_MS);
    const problems: string[] = [];
    const fetched: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    // COEP blocks what it blocks as a failed request: this is where a cross-origin resource shows.
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText;
      if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${error}`);
    });
    page.on('response', (response) => fetched.push(new URL(response.url()).pathname));
    return { page, problems, fetched };
  }

  it('with the headers, a demo page is isolated and trains on the threaded WASM binary', async () => {
    const site = await serveSite(SITE_DIR);
    try {
      const { page, problems, fetched } = await freshPage();
      // tfjs runs half as many threads as `hardwareConcurrency` (1 on a 2-core CI machine):
      // report 4, as a 4-thread laptop does, so that more than one thread must start.
      await page.addInitScript(() =>
        Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }),
      );
      await page.goto(site.url + DEMO, { waitUntil: 'load' });
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);

      await page.locator('select[name=backend]').selectOption('wasm');
      await page.locator('select[name=depth]').selectOption('8');
      await page.locator('input[name=steps]').fill('2');
      await page.locator('input[name=batch]').fill('8');
      await page.getByRole('button', { name: 'Train' }).click();
      await page.waitForSelector('.plain-vs-residual:is([data-state=done], [data-state=failed])', {
        timeout: 50_000,
      });
      const status = (await page.locator('.status').textContent()) ?? '';
      expect(await page.locator('.plain-vs-residual').getAttribute('data-state'), status).toBe(
        'done',
      );
      const label = (await page.locator('.status code').textContent()) ?? '';
      expect(label).toBe('wasm, 2 threads');
      expect(fetched).toContain(`/wasm/${THREADED_WASM}`);
      expect(problems).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it('without the headers (GitHub Pages), the service worker isolates the page after one reload', async () => {
    const site = await serveSite(SITE_DIR, { isolationHeaders: false });
    try {
      const { page, problems } = await freshPage();
      await page.goto(site.url + DEMO, { waitUntil: 'commit' });
      // The first load registers the worker; the worker's taking over reloads the page. While
      // it reloads, evaluate fails (its document is gone): that reads as "not yet".
      const isolated = () => page.evaluate(() => window.crossOriginIsolated).catch(() => false);
      await expect.poll(isolated, { timeout: 30_000 }).toBe(true);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      const navigation = await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type,
      );
      expect(navigation).toBe('reload');
      expect(problems).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
