// Dilated convolutions train on tfjs's webgl backend, in headless Chromium (WebGL 2 through its
// software renderer where there is no GPU): the space-to-batch gradients on a backend whose
// kernels we never replace. Through the repository's one browser harness; skipped with its
// reason where no Chromium is installed, except under RESIDUAL_REQUIRE_BROWSER=1 (.ci/run).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumSkipReason, pageResult } from '@residual/vitest-config/chromium';
import { build } from 'tsup';
import { describe, expect, it } from 'vitest';
import {
  type ConvCase,
  geometry,
  randomValues,
  referenceGradients,
  relativeError,
} from './kernels/test-reference.js';
import { Rng } from './rng.js';

const skip = chromiumSkipReason();

const CASES: (ConvCase & { depthwise: boolean })[] = [
  {
    batch: 2,
    size: [9, 7],
    inChannels: 3,
    outChannels: 4,
    kernel: [3, 3],
    stride: 1,
    dilation: 2,
    padding: 'same',
    depthwise: false,
  },
  {
    batch: 2,
    size: [11, 10],
    inChannels: 3,
    outChannels: 2,
    kernel: [3, 3],
    stride: 1,
    dilation: 3,
    padding: 'valid',
    depthwise: true,
  },
];

/** On webgl: each case's gradients, and the losses of a dilated tf.layers model's Adam steps. */
const PAGE_SCRIPT = `
import * as tf from '@tensorflow/tfjs';
import { registerDilatedConvolutions } from '${join(import.meta.dirname, 'dilated-convolutions.ts')}';
// Called, not only imported: the bundler drops a source file's side effects (package.json
// declares those of dist/index.js only).
registerDilatedConvolutions();
window.result = (async () => {
  await tf.setBackend('webgl');
  await tf.ready();
  const gradients = window.CASES.map((c) => tf.tidy(() => {
    const conv = (x, w) => c.depthwise
      ? tf.depthwiseConv2d(x, w, 1, c.padding, 'NHWC', c.dilation)
      : tf.conv2d(x, w, 1, c.padding, 'NHWC', c.dilation);
    const r = tf.tensor(c.r);
    const loss = (x, w) => conv(x, w).flatten().mul(r).sum();
    return tf.grads(loss)([
      tf.tensor4d(c.x, [c.batch, ...c.size, c.inChannels]),
      tf.tensor4d(c.w, [...c.kernel, c.inChannels, c.outChannels]),
    ]).map((g) => Array.from(g.dataSync()));
  }));
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 6, kernelSize: 3, padding: 'same',
      dilationRate: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
    tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', dilationRate: 4,
      kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
  ] });
  const x = tf.tensor4d(window.IMAGES, [6, 10, 10, 3]);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
  const optimizer = tf.train.adam(0.03);
  const losses = [];
  for (let step = 0; step < 10; step++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x)), true);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  return { backend: tf.getBackend(), gradients, losses };
})().catch((e) => ({ failed: String(e && e.stack || e) }));
`;

interface PageOutcome {
  failed?: string;
  backend: string;
  gradients: number[][][];
  losses: number[];
}

describe.skipIf(skip !== undefined)('dilated convolutions on webgl in headless Chromium', () => {
  it('give the gradients of their definition, and a dilated tf.layers model trains', async () => {
    const rng = new Rng(31);
    const cases = CASES.map((c) => {
      const info = geometry(c, c.depthwise);
      const x = randomValues(info.batchSize * info.inHeight * info.inWidth * info.inChannels, rng);
      const w = randomValues(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, rng);
      const r = randomValues(
        info.batchSize * info.outHeight * info.outWidth * info.outChannels,
        rng,
      );
      return { ...c, info, x, w, r };
    });
    const images = randomValues(6 * 10 * 10 * 3, rng);
    const dir = mkdtempSync(join(tmpdir(), 'residual-dilated-webgl-'));
    let result: PageOutcome;
    try {
      writeFileSync(join(dir, 'page.ts'), PAGE_SCRIPT);
      await build({
        entry: { page: join(dir, 'page.ts') },
        outDir: dir,
        format: ['iife'],
        platform: 'browser',
        config: false,
        dts: false,
        silent: true,
        noExternal: [/.*/],
        // tfjs-core's Node.js platform code, which a browser never runs.
        external: ['worker_threads', 'util', 'crypto', 'fs', 'path', 'os'],
        esbuildOptions(options) {
          // The page lives in a temporary folder: tfjs resolves from this package.
          options.nodePaths = [join(import.meta.dirname, '..', 'node_modules')];
        },
      });
      const data = cases.map(({ info: _, x, w, r, ...c }) => ({
        ...c,
        x: Array.from(x),
        w: Array.from(w),
        r: Array.from(r),
      }));
      writeFileSync(
        join(dir, 'index.html'),
        `<!doctype html><body><script>window.CASES = ${JSON.stringify(data)}; ` +
          `window.IMAGES = ${JSON.stringify(Array.from(images))};</script>` +
          `<script>${readFileSync(join(dir, 'page.global.js'), 'utf8')}</script></body>`,
      );
      result = (await pageResult(join(dir, 'index.html'))) as PageOutcome;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(result.failed).toBeUndefined();
    expect(result.backend).toBe('webgl');
    cases.forEach((c, i) => {
      const expected = referenceGradients(c.info, c.x, c.w, c.r, c.depthwise);
      const [dx, dw] = result.gradients[i];
      expect(relativeError(dx, expected.dx), `case ${i} dx`).toBeLessThan(1e-4);
      expect(relativeError(dw, expected.dw), `case ${i} dw`).toBeLessThan(1e-4);
    });
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.losses[result.losses.length - 1]).toBeLessThan(result.losses[0] * 0.8);
  }, 300_000);
});
