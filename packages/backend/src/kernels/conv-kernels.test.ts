import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';
import {
  type ConvCase,
  geometry,
  label,
  numericalGradients,
  randomValues,
  referenceConv,
  referenceGradients,
  relativeError,
  squareKernelGrid,
} from './test-reference.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

/** Every convolution kernel, run on each way the backends can be set up. */
const MODES = [
  {
    name: 'wasm with native kernels',
    backend: 'wasm',
    native: true,
    skip: nativeSkip !== undefined,
  },
  { name: 'wasm (WebAssembly kernels only)', backend: 'wasm', native: false, skip: false },
  { name: 'cpu', backend: 'cpu', native: false, skip: false },
] as const;

const base: ConvCase = {
  batch: 2,
  size: [9, 7],
  inChannels: 3,
  outChannels: 5,
  kernel: [3, 3],
  stride: 1,
  dilation: 1,
  padding: 'same',
};

const CASES: ConvCase[] = [
  ...squareKernelGrid(base),
  { ...base, batch: 1, size: [5, 6], kernel: [3, 1] },
  { ...base, batch: 1, size: [11, 13], stride: 2, inChannels: 17, outChannels: 9 },
  { ...base, size: [16, 16], inChannels: 16, outChannels: 32, stride: 2 },
  // A widening 1×1 over 4,500 pixels: pure wasm's dyᵀ · x takes it in two chunks.
  { ...base, size: [50, 45], kernel: [1, 1], inChannels: 4, outChannels: 9 },
  // A 3-channel 7×7 over 4,500 output pixels: pure wasm's input gradient by columns, in two
  // chunks that split an image.
  { ...base, size: [50, 45], kernel: [7, 7], outChannels: 4 },
];

const DILATED: ConvCase[] = [
  { ...base, dilation: 2 },
  { ...base, dilation: 3, padding: 'valid', size: [11, 10] },
  // 75 columns per pixel: the native input gradient goes through columns and col2im.
  { ...base, kernel: [5, 5], dilation: 2, size: [13, 12] },
];

/** The float32 tensors of a case and a random output weighting r. */
function tensors(c: ConvCase, depthwise = false, seed = 1) {
  const info = geometry(c, depthwise);
  const rng = new Rng(seed);
  const x = randomValues(info.batchSize * info.inHeight * info.inWidth * info.inChannels, rng);
  const w = randomValues(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, rng);
  const r = randomValues(info.batchSize * info.outHeight * info.outWidth * info.outChannels, rng);
  return { info, x, w, r };
}

function convOn(c: ConvCase, x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(x, w, c.stride, c.padding, 'NHWC', c.dilation);
}

for (const mode of MODES) {
  describe.skipIf(mode.skip)(`convolution kernels on ${mode.name}`, () => {
    beforeAll(async () => {
      await initBackend({ backend: mode.backend, native: mode.native });
    });

    for (const c of [...CASES, ...DILATED]) {
      it(`forward matches the definition: ${label(c)}`, () => {
        const { info, x, w } = tensors(c);
        const y = tf.tidy(() =>
          convOn(
            c,
            tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
            tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
          ).dataSync(),
        );
        expect(relativeError(y, referenceConv(info, x, w))).toBeLessThan(1e-5);
      });
    }

    for (const c of CASES) {
      it(`both gradients match the definition: ${label(c)}`, () => {
        const { info, x, w, r } = tensors(c);
        const [dx, dw] = tf.tidy(() => {
          const rt = tf.tensor(r, info.outShape);
          const loss = (a: tf.Tensor, b: tf.Tensor) =>
            convOn(c, a as tf.Tensor4D, b as tf.Tensor4D)
              .mul(rt)
              .sum();
          return tf
            .grads(loss)([
              tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
              tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
            ])
            .map((g) => g.dataSync());
        });
        const expected = referenceGradients(info, x, w, r);
        expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
        expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
      });
    }

    // The kernels take dilations (as TensorFlow's do), which tfjs's own gradient never passes;
    // our gradient does (dilated-conv-gradients.test.ts).
    for (const c of DILATED) {
      it(`the input gradient kernel matches the definition: ${label(c)}`, () => {
        const { info, x, w, r } = tensors(c);
        const dx = tf.tidy(() =>
          (
            tf.engine().runKernel(
              tf.Conv2DBackpropInput,
              {
                dy: tf.tensor(r, info.outShape),
                filter: tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
              },
              {
                strides: c.stride,
                pad: c.padding,
                dilations: c.dilation,
                dataFormat: 'NHWC',
                inputShape: [c.batch, ...c.size, c.inChannels],
              } as unknown as tf.NamedAttrMap,
            ) as tf.Tensor
          ).dataSync(),
        );
        expect(relativeError(dx, referenceGradients(info, x, w, r).dx)).toBeLessThan(1e-5);
      });
    }

    for (const c of [CASES[2], CASES[9], CASES[12]]) {
      it(`both gradients match numerical differentiation: ${label(c)}`, () => {
        const { info, x, w, r } = tensors(c, false, 2);
        const [dx, dw] = tf.tidy(() => {
          const rt = tf.tensor(r, info.outShape);
          const loss = (a: tf.Tensor, b: tf.Tensor) =>
            convOn(c, a as tf.Tensor4D, b as tf.Tensor4D)
              .mul(rt)
              .sum();
          return tf
            .grads(loss)([
              tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
              tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
            ])
            .map((g) => g.dataSync());
        });
        const numerical = numericalGradients(info, x, w, r);
        expect(relativeError(dx, numerical.dx)).toBeLessThan(1e-4);
        expect(relativeError(dw, numerical.dw)).toBeLessThan(1e-4);
      });
    }

    it('fuses the bias and ReLU of a FusedConv2D', () => {
      const c: ConvCase = { ...base, outChannels: 4 };
      const { info, x, w } = tensors(c);
      const bias = Float32Array.of(0.5, -0.5, 2, -3);
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        const y = tf.tidy(() =>
          tf.fused
            .conv2d({
              x: tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
              filter: tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
              strides: 1,
              pad: 'same',
              bias: tf.tensor1d(bias),
              activation,
            })
            .dataSync(),
        );
        const act = (v: number) =>
          activation === 'linear'
            ? v
            : activation === 'relu'
              ? Math.max(v, 0)
              : Math.min(Math.max(v, 0), 6);
        const expected = referenceConv(info, x, w).map((v, i) => act(v + bias[i % 4]));
        expect(relativeError(y, expected), activation).toBeLessThan(1e-5);
      }
    });

    for (const c of [
      { ...base, inChannels: 4, outChannels: 2 },
      { ...base, inChannels: 3, outChannels: 1, stride: 2, padding: 'valid' as const },
      { ...base, batch: 1, inChannels: 5, outChannels: 1, dilation: 2 },
    ]) {
      it(`depthwise gradients match the definition: ${label(c)}`, () => {
        const { info, x, w, r } = tensors(c, true);
        const attrs = {
          strides: c.stride,
          dilations: c.dilation,
          pad: c.padding,
          dimRoundingMode: undefined,
        };
        const [dx, dw] = tf.tidy(() => {
          const dy = tf.tensor(r, info.outShape);
          const filter = tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]);
          const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]);
          const engine = tf.engine();
          return [
            (
              engine.runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, {
                ...attrs,
                inputShape: xt.shape,
              } as unknown as tf.NamedAttrMap) as tf.Tensor
            ).dataSync(),
            (
              engine.runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xt, dy }, {
                ...attrs,
                filterShape: filter.shape,
              } as unknown as tf.NamedAttrMap) as tf.Tensor
            ).dataSync(),
          ];
        });
        const expected = referenceGradients(info, x, w, r, true);
        expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
        expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
      });
    }

    it('computes a batch of 128 ResNet-20 stage-1 gradients (the chunked path)', () => {
      const c: ConvCase = { ...base, batch: 12, size: [32, 32], inChannels: 16, outChannels: 16 };
      const { info, x, w, r } = tensors(c);
      const [dx, dw] = tf.tidy(() => {
        const rt = tf.tensor(r, info.outShape);
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          convOn(c, a as tf.Tensor4D, b as tf.Tensor4D)
            .mul(rt)
            .sum();
        return tf
          .grads(loss)([
            tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]),
            tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]),
          ])
          .map((g) => g.dataSync());
      });
      const expected = referenceGradients(info, x, w, r);
      expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
      expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
    });
  });
}
