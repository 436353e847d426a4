import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';
import { onStockCpu } from '../testing/on-stock-cpu.js';
import { atrousGradients } from './atrous-gradients.js';
import {
  type ConvCase,
  geometry,
  label,
  numericalGradients,
  randomValues,
  referenceGradients,
  relativeError,
} from './test-reference.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

/** Our backends (the gradient kernels take the dilations), and stock tfjs (space-to-batch). */
const MODES = [
  {
    name: 'wasm with native kernels',
    backend: 'wasm',
    native: true,
    skip: nativeSkip !== undefined,
  },
  { name: 'wasm (WebAssembly kernels only)', backend: 'wasm', native: false, skip: false },
  { name: 'cpu', backend: 'cpu', native: false, skip: false },
  { name: 'stock tfjs cpu', backend: 'stock', native: false, skip: false },
] as const;

const base: ConvCase = {
  batch: 2,
  size: [9, 7],
  inChannels: 3,
  outChannels: 4,
  kernel: [3, 3],
  stride: 1,
  dilation: 2,
  padding: 'same',
};

const CASES: ConvCase[] = [
  base,
  { ...base, padding: 'valid' },
  { ...base, dilation: 3, size: [11, 10] },
  { ...base, dilation: 3, padding: 'valid', size: [11, 10] },
  // An even filter: 'same' pads one more row and column after than before.
  { ...base, batch: 1, kernel: [2, 4], size: [8, 9], outChannels: 2 },
];

const DEPTHWISE: ConvCase[] = [
  { ...base, outChannels: 2 },
  { ...base, dilation: 3, padding: 'valid', size: [11, 10], outChannels: 1 },
];

function tensors(c: ConvCase, depthwise: boolean, seed: number) {
  const info = geometry(c, depthwise);
  const rng = new Rng(seed);
  const x = randomValues(info.batchSize * info.inHeight * info.inWidth * info.inChannels, rng);
  const w = randomValues(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, rng);
  const r = randomValues(info.batchSize * info.outHeight * info.outWidth * info.outChannels, rng);
  return { info, x, w, r };
}

/** dx and dw of Σ conv(x, w) · r through tf.grads, on the active backend. */
function gradients(
  c: ConvCase,
  depthwise: boolean,
  x: Float32Array,
  w: Float32Array,
  r: Float32Array,
) {
  return tf.tidy(() => {
    const conv = (a: tf.Tensor, b: tf.Tensor) =>
      depthwise
        ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.padding, 'NHWC', c.dilation)
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.padding, 'NHWC', c.dilation);
    const rt = tf.tensor(r);
    const loss = (a: tf.Tensor, b: tf.Tensor) => conv(a, b).flatten().mul(rt).sum();
    return tf
      .grads(loss)([
        tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
        tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
      ])
      .map((g) => g.dataSync() as Float32Array);
  });
}

for (const mode of MODES) {
  describe.skipIf(mode.skip)(`dilated convolution gradients on ${mode.name}`, () => {
    /** Runs `fn` on the mode's backend. */
    let on: <T>(fn: () => T) => Promise<T> = async (fn) => fn();

    beforeAll(async () => {
      await initBackend({
        backend: mode.backend === 'stock' ? 'cpu' : mode.backend,
        native: mode.native,
      });
      if (mode.backend === 'stock') on = onStockCpu;
    });

    for (const [depthwise, cases] of [
      [false, CASES],
      [true, DEPTHWISE],
    ] as const) {
      for (const c of cases) {
        const kind = depthwise ? 'depthwise' : 'conv2d';
        it(`${kind} gradients match the definition: ${label(c)}`, async () => {
          const { info, x, w, r } = tensors(c, depthwise, 3);
          const before = tf.memory().numTensors;
          const [dx, dw] = await on(() => gradients(c, depthwise, x, w, r));
          expect(tf.memory().numTensors).toBe(before);
          const expected = referenceGradients(info, x, w, r, depthwise);
          expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
          expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
        });

        it(`the space-to-batch ${kind} gradients match the definition: ${label(c)}`, async () => {
          const { info, x, w, r } = tensors(c, depthwise, 4);
          const [dx, dw] = await on(() =>
            tf.tidy(() => {
              const grads = atrousGradients(
                kind,
                tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
                tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
                tf.tensor4d(r, info.outShape),
                info,
              );
              return [grads.x().dataSync(), grads.filter().dataSync()];
            }),
          );
          const expected = referenceGradients(info, x, w, r, depthwise);
          expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
          expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
        });
      }
    }

    for (const c of [CASES[0], CASES[3]]) {
      it(`conv2d gradients match numerical differentiation: ${label(c)}`, async () => {
        const { info, x, w, r } = tensors(c, false, 5);
        const [dx, dw] = await on(() => gradients(c, false, x, w, r));
        const numerical = numericalGradients(info, x, w, r);
        expect(relativeError(dx, numerical.dx)).toBeLessThan(1e-4);
        expect(relativeError(dw, numerical.dw)).toBeLessThan(1e-4);
      });
    }

    it('takes a gradient of a gradient (space to batch inside)', async () => {
      // d/dw of Σ (∂L/∂x)², L = Σ conv(x, w) · r: defined only if the input gradient is itself
      // differentiable in w (tfjs has no gradient of the filter gradient, for any dilation).
      const c: ConvCase = { ...base, batch: 1, size: [6, 5], inChannels: 2, outChannels: 2 };
      const { info, x, w, r } = tensors(c, false, 6);
      const wShape = [...c.kernel, c.inChannels, c.outChannels];
      const outer = (ws: tf.Tensor) =>
        tf
          .grad((xs: tf.Tensor) =>
            tf
              .conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, c.padding, 'NHWC', c.dilation)
              .mul(tf.tensor(r, info.outShape))
              .sum(),
          )(tf.tensor(x, [c.batch, ...c.size, c.inChannels]))
          .square()
          .sum();
      const [analytic, numeric] = await on(() =>
        tf.tidy(() => {
          const g = tf.grad(outer)(tf.tensor(w, wShape)).dataSync();
          const diffs = new Float64Array(w.length);
          const v = Float32Array.from(w);
          for (let i = 0; i < v.length; i++) {
            const keep = v[i];
            v[i] = keep + 0.25;
            const plus = outer(tf.tensor(v, wShape)).dataSync()[0];
            v[i] = keep - 0.25;
            const minus = outer(tf.tensor(v, wShape)).dataSync()[0];
            v[i] = keep;
            diffs[i] = (plus - minus) / 0.5;
          }
          return [g, Float32Array.from(diffs)];
        }),
      );
      // Quadratic in w: central differences are exact up to float32 rounding of the loss.
      expect(relativeError(analytic, numeric)).toBeLessThan(1e-3);
    });
  });
}
