// The browser path, in a real browser: bundles the decoder and the folder reader into a page and
// runs it in headless Chromium, through the repository's one browser harness (Playwright and
// Debian's Chromium). Skipped with its reason where no Chromium is installed, except under CI
// (RESIDUAL_REQUIRE_BROWSER=1, set by .ci/run, which installs Chromium), where that fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumSkipReason, pageResult } from '@residual/vitest-config/chromium';
import { build } from 'tsup';
import { describe, expect, it } from 'vitest';
import { jpegBytes, pngBytes, rgbaImage, tempDir } from './test-files.js';

const skip = chromiumSkipReason();

/** What the page does: decode a PNG, a JPEG and garbage, and build a data set from files. */
const PAGE_SCRIPT = `
import { decodeImageInBrowser } from '${join(import.meta.dirname, 'decode-image-browser.ts')}';
import { imageDatasetFromFiles } from '${join(import.meta.dirname, 'image-files.ts')}';
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
window.result = (async () => {
  const out = {};
  const png = await decodeImageInBrowser(bytes(window.PNG), 'a.png');
  out.png = { width: png.width, height: png.height, rgba: Array.from(png.rgba) };
  const jpeg = await decodeImageInBrowser(bytes(window.JPEG), 'b.jpg');
  out.jpeg = { width: jpeg.width, height: jpeg.height, first: Array.from(jpeg.rgba.slice(0, 4)) };
  out.garbage = await decodeImageInBrowser(new TextEncoder().encode('nope'), 'c.png').then(
    () => 'decoded', (e) => e.name + ': ' + e.message.split(' (')[0]);
  const file = (path, b64) => ({ path, displayName: path, read: async () => bytes(b64) });
  const data = await imageDatasetFromFiles(
    [file('train/a/1.png', window.PNG), file('train/b/1.jpg', window.JPEG), file('test/a/2.png', window.PNG)],
    'pets',
    decodeImageInBrowser,
  );
  out.dataset = { classNames: data.classNames, train: data.train.count, shape: data.train.imageShape };
  return out;
})().catch((e) => ({ failed: String(e) }));
`;

/** What the page reports. */
interface PageOutcome {
  failed?: string;
  png: { width: number; height: number; rgba: number[] };
  jpeg: { width: number; height: number; first: number[] };
  garbage: string;
  dataset: { classNames: string[]; train: number; shape: number[] };
}

describe.skipIf(skip !== undefined)('decodeImageInBrowser in headless Chromium', () => {
  it('decodes PNG exactly and JPEG closely, names what it cannot decode, and feeds a data set', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'page.ts'), PAGE_SCRIPT);
    await build({
      entry: { page: join(dir, 'page.ts') },
      outDir: dir,
      format: ['iife'],
      platform: 'browser',
      config: false,
      dts: false,
      silent: true,
      // The page never calls the Node.js readers; their imports stay unresolved.
      external: [/^node:/, 'pngjs', 'jpeg-js'],
      noExternal: [/^@residual\//],
      esbuildOptions(options) {
        options.alias = {
          '@residual/backend': join(import.meta.dirname, '..', '..', 'backend', 'src', 'index.ts'),
        };
      },
    });
    const image = rgbaImage(3, 5, (y, x) => [x * 50, y * 100, 7, 255]);
    const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><body><script>window.PNG = '${base64(pngBytes(image))}'; ` +
        `window.JPEG = '${base64(jpegBytes(rgbaImage(3, 5, () => [200, 40, 90, 255])))}';</script>` +
        `<script>${readFileSync(join(dir, 'page.global.js'), 'utf8')}</script></body>`,
    );
    const result = (await pageResult(join(dir, 'index.html'))) as PageOutcome;
    expect(result.failed).toBeUndefined();
    expect(result.png).toEqual({ width: 5, height: 3, rgba: Array.from(image.data) });
    expect(result.jpeg.width).toBe(5);
    result.jpeg.first.forEach((value: number, c: number) => {
      expect(Math.abs(value - [200, 40, 90, 255][c])).toBeLessThan(6);
    });
    expect(result.garbage).toBe('DatasetError: c.png: the browser cannot decode this image');
    expect(result.dataset).toEqual({ classNames: ['a', 'b'], train: 2, shape: [3, 5, 3] });
  }, 240_000);
});
