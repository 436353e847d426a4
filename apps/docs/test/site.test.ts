import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { listModels } from '@residual/models';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCS_ROOT, SITE_DIR } from '../scripts/paths.js';
import { launchChromium, PAGE_LOAD_TIMEOUT_MS, SKIP_BROWSER_TESTS } from './chromium.js';
import { type StaticSite, serveSite } from './static-server.js';

/** Screenshots for people to look at; gitignored. */
const ARTIFACTS = join(DOCS_ROOT, 'artifacts');
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

interface Visit {
  status: number;
  ids: Set<string>;
  links: string[];
}

describe.skipIf(SKIP_BROWSER_TESTS)('the built site, in Chromium', () => {
  let site: StaticSite;
  let browser: Browser;
  /** Console errors, uncaught exceptions and failed requests, by page. */
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(SITE_DIR, 'index.html'))) {
      throw new Error(`${SITE_DIR} has no site: run \`pnpm --filter docs build\` first.`);
    }
    await mkdir(ARTIFACTS, { recursive: true });
    site = await serveSite(SITE_DIR);
    browser = await launchChromium();
  });
  beforeEach(() => {
    problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** A page that records every problem, naming the path it was showing. */
  async function newPage(viewport: { width: number; height: number } = VIEWPORTS[0]) {
    const page = await browser.newPage({ viewport });
    page.setDefaultNavigationTimeout(PAGE_LOAD_TIMEOUT_MS);
    const where = () => new URL(page.url()).pathname;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${where()}: console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${where()}: uncaught: ${error.message}`));
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText;
      // Leaving a page cancels what it was still prefetching: not a failure of the site.
      if (error !== 'net::ERR_ABORTED') {
        problems.push(`${where()}: request failed: ${request.url()} ${error}`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(`${where()}: HTTP ${response.status()} ${response.url()}`);
      }
    });
    return page;
  }

  /** Loads `path` and waits until its demos have done what they do on load. */
  async function visit(page: Page, path: string): Promise<number> {
    const response = await page.goto(site.url + path, { waitUntil: 'load' });
    await settleDemos(page);
    return response?.status() ?? 0;
  }

  async function open(path: string, viewport: { width: number; height: number } = VIEWPORTS[0]) {
    const page = await newPage(viewport);
    const status = await visit(page, path);
    return { page, status };
  }

  it('visits every page with no console error, and no internal link is broken', async () => {
    const visits = new Map<string, Visit>();
    const queue = await builtPages();
    const page = await newPage();
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (visits.has(path)) continue;
      const status = await visit(page, path);
      const found = await page.evaluate(() => ({
        ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
        links: Array.from(
          document.querySelectorAll('a[href]'),
          (a) => (a as HTMLAnchorElement).href,
        ),
      }));
      const internal = found.links.filter((href) => href.startsWith(site.url));
      visits.set(path, { status, ids: new Set(found.ids), links: internal });
      for (const href of internal) {
        const target = new URL(href).pathname;
        if (target.endsWith('.html') || target.endsWith('/')) queue.push(target);
      }
    }

    await page.close();
    const broken: string[] = [];
    for (const [path, visit] of visits) {
      if (visit.status !== 200) broken.push(`${path}: HTTP ${visit.status}`);
      for (const href of new Set(visit.links)) {
        const url = new URL(href);
        const target = visits.get(url.pathname);
        if (target === undefined) {
          const response = await fetch(site.url + url.pathname);
          if (!response.ok) broken.push(`${path} → ${url.pathname}: HTTP ${response.status}`);
          continue;
        }
        if (target.status !== 200) broken.push(`${path} → ${url.pathname}: HTTP ${target.status}`);
        const anchor = decodeURIComponent(url.hash.slice(1));
        if (anchor && !target.ids.has(anchor))
          broken.push(`${path} → ${url.pathname}#${anchor}: no such anchor`);
      }
    }
    expect(visits.size).toBeGreaterThan(20);
    expect(broken).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('lists every registered model in the catalogue', async () => {
    const { page } = await open('/models/');
    const listed = await page.locator('.model-catalogue td:first-child a').allInnerTexts();
    await page.close();
    expect(listed.sort()).toEqual(
      listModels()
        .map((m) => m.name)
        .sort(),
    );
    expect(problems).toEqual([]);
  });

  it('trains a plain and a residual network side by side: the loss falls, the charts draw', async () => {
    const steps = 10;
    const { page } = await open('/demos/plain-vs-residual.html');
    const demo = page.locator('.plain-vs-residual');
    await page.locator('select[name=depth]').selectOption('8');
    await page.locator('input[name=steps]').fill(String(steps));
    await page.locator('input[name=batch]').fill('16');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForSelector('.plain-vs-residual:is([data-state=done], [data-state=failed])', {
      timeout: 300_000,
    });
    const status = await text(page.locator('.status'));
    expect(await demo.getAttribute('data-state'), status).toBe('done');
    expect(await text(page.locator('.status code'))).toMatch(/^(webgl|wasm(, \d+ threads)?)$/);

    for (const network of ['plain', 'residual']) {
      const card = page.locator(`.card[data-network=${network}]`);
      expect(Number(await card.getAttribute('data-steps'))).toBe(steps);
      const first = Number(await text(card.locator('.first-loss')));
      const latest = Number(await text(card.locator('.latest-loss')));
      expect(latest, `${network}: the loss shown went from ${first} to ${latest}`).toBeLessThan(
        first,
      );
    }
    const lossLines = page.locator('.loss-chart path.series');
    expect(await lossLines.count()).toBe(2);
    for (const line of await lossLines.all()) {
      expect(Number(await line.getAttribute('data-points'))).toBe(steps);
    }
    const gradientLines = page.locator('.gradient-chart path.series');
    expect(await gradientLines.count()).toBe(2);
    for (const line of await gradientLines.all()) {
      // cifar_*8 has 7 convolutions: the stem and two per block.
      expect(Number(await line.getAttribute('data-points'))).toBe(7);
    }

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300); // the charts redraw at the new width
      await page.screenshot({
        path: join(ARTIFACTS, `demo-trained-${viewport.name}.png`),
        fullPage: true,
      });
      // The demo alone, clipped from the top of the page, clear of the fixed navigation bar.
      await page.evaluate(() => window.scrollTo(0, 0));
      const box = await demo.boundingBox();
      if (box === null) throw new Error('the demo is not visible');
      await page.screenshot({
        path: join(ARTIFACTS, `demo-trained-${viewport.name}-closeup.png`),
        fullPage: true,
        clip: box,
      });
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('trains a character GPT on the Moby-Dick excerpt: the loss falls, samples appear', async () => {
    const steps = 12;
    const { page } = await open('/demos/char-model.html');
    const demo = page.locator('.char-model');
    await page.locator('input[name=steps]').fill(String(steps));
    await page.locator('input[name=layers]').fill('1');
    await page.locator('select[name=width]').selectOption('32');
    await page.locator('input[name=sample-every]').fill('6');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForSelector('.char-model:is([data-state=done], [data-state=failed])', {
      timeout: 300_000,
    });
    const status = await text(page.locator('.status'));
    expect(await demo.getAttribute('data-state'), status).toBe('done');
    expect(await text(page.locator('.status code'))).toMatch(/^(webgl|wasm(, \d+ threads)?)$/);

    const card = page.locator('.card[data-steps]');
    expect(Number(await card.getAttribute('data-steps'))).toBe(steps);
    const first = Number(await card.getAttribute('data-first-loss'));
    const latest = Number(await card.getAttribute('data-latest-loss'));
    expect(Number.isFinite(first) && Number.isFinite(latest), `${first} → ${latest}`).toBe(true);
    expect(latest, `the loss went from ${first} to ${latest}`).toBeLessThan(first);
    const bits = Number(await page.locator('.card[data-bits]').getAttribute('data-bits'));
    expect(bits).toBeGreaterThan(0);
    expect(bits).toBeLessThan(8);

    const samples = page.locator('.sample[data-done=true]');
    expect(await samples.count()).toBe(2);
    for (const sample of await samples.all()) {
      // The prompt and 200 generated characters.
      expect(Array.from(await text(sample.locator('pre'))).length).toBeGreaterThan(100);
    }
    const lines = page.locator('.loss-chart path.series');
    expect(await lines.count()).toBe(2);
    expect(Number(await lines.first().getAttribute('data-points'))).toBe(steps);

    await page.screenshot({
      path: join(ARTIFACTS, 'char-model-trained-desktop.png'),
      fullPage: true,
    });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('trains a U-Net on the shapes, then segments a drawn circle and a held-out image', async () => {
    const { page } = await open('/demos/segmentation.html');
    const demo = page.locator('.segmentation-demo');
    // Two steps of 8 images: enough to run every part of the page, fast.
    await page.locator('input[name=epochs]').fill('1');
    await page.locator('input[name=train-images]').fill('16');
    await page.locator('input[name=batch]').fill('8');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForSelector('.segmentation-demo:is([data-state=done], [data-state=failed])', {
      timeout: 300_000,
    });
    const status = await text(page.locator('.status'));
    expect(await demo.getAttribute('data-state'), status).toBe('done');
    expect(await text(page.locator('.status code'))).toMatch(/^(webgl|wasm(, \d+ threads)?)$/);
    const card = page.locator('.card[data-steps]');
    expect(Number(await card.getAttribute('data-steps'))).toBe(2);
    expect(Number.isFinite(Number(await card.getAttribute('data-latest-loss')))).toBe(true);
    const heldOut = page.locator('.card.held-out');
    expect(Number(await heldOut.getAttribute('data-evaluations'))).toBe(1);
    const meanIoU = Number(await heldOut.getAttribute('data-mean-iou'));
    expect(meanIoU).toBeGreaterThanOrEqual(0);
    expect(meanIoU).toBeLessThanOrEqual(1);

    // Drag a circle from the middle of the picture outwards, in the first pen colour (red).
    const canvas = page.locator('canvas.picture');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('the drawing canvas is not visible');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const centre = await canvas.evaluate((element: HTMLCanvasElement) =>
      Array.from(element.getContext('2d')!.getImageData(16, 16, 1, 1).data),
    );
    expect(centre).toEqual([220, 40, 40, 255]);

    const size = 32;
    const masks = async () => {
      const prediction = page.locator('.prediction');
      expect(Number(await prediction.getAttribute('data-size'))).toBe(size);
      const counts = ((await prediction.getAttribute('data-counts')) ?? '').split(',').map(Number);
      expect(counts).toHaveLength(4);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(size * size);
      // Every pixel of the mask is drawn, in one of the four class colours.
      const drawn = await page
        .locator('canvas.predicted-mask')
        .evaluate((element: HTMLCanvasElement) => {
          const { data } = element
            .getContext('2d')!
            .getImageData(0, 0, element.width, element.height);
          const colours = new Set<string>();
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] !== 255) return { width: element.width, colours: -1 };
            colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
          }
          return { width: element.width, height: element.height, colours: colours.size };
        });
      expect(drawn).toMatchObject({ width: size, height: size });
      expect(drawn.colours).toBeGreaterThanOrEqual(1);
      expect(drawn.colours).toBeLessThanOrEqual(4);
      return counts;
    };
    await masks();
    expect(await page.locator('.class-counts tbody tr').count()).toBe(4);

    await page.getByRole('button', { name: 'Random held-out image' }).click();
    await page.waitForSelector('canvas.true-mask');
    await masks();
    const trueCounts = await page.locator('.class-counts tbody tr td:nth-child(3)').allInnerTexts();
    expect(trueCounts.map(Number).reduce((a, b) => a + b, 0)).toBe(size * size);

    await page.screenshot({
      path: join(ARTIFACTS, 'segmentation-trained-desktop.png'),
      fullPage: true,
    });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('saves screenshots of the home page, the catalogue and the model explorer', async () => {
    for (const viewport of VIEWPORTS) {
      for (const [name, path] of [
        ['home', '/'],
        ['catalogue', '/models/'],
        ['explorer', '/demos/model-explorer.html?model=cifar_resnet20'],
      ]) {
        const { page } = await open(path, viewport);
        await page.screenshot({
          path: join(ARTIFACTS, `${name}-${viewport.name}.png`),
          fullPage: true,
        });
        await page.close();
      }
    }
    expect(problems).toEqual([]);
  });
});

/** The text a locator shows, as the visitor reads it. */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** Every page the build wrote, as the paths a browser asks for. */
async function builtPages(): Promise<string[]> {
  const files = await readdir(SITE_DIR, { recursive: true });
  return files
    .filter((file) => file.endsWith('.html') && file !== '404.html')
    .map((file) =>
      `/${relative('.', file).split(sep).join('/')}`.replace(/(^|\/)index\.html$/, '$1'),
    );
}

/** Waits until the demos on a page have finished what they do on load (the explorer builds a model). */
async function settleDemos(page: Page): Promise<void> {
  if ((await page.locator('.model-explorer').count()) > 0) {
    await page.waitForSelector('.model-explorer:is([data-state=built], [data-state=failed])', {
      timeout: 120_000,
    });
  }
}
