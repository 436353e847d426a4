import type * as TF from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { Rng } from './rng.js';

it('RESIDUAL_NATIVE=0 keeps the WebAssembly kernels even where the native ones are built', async () => {
  process.env.RESIDUAL_NATIVE = '0';
  const { initBackend, nativeKernelStatus } = await import('./init-backend.js');
  const { geometry, randomValues, referenceConv, referenceGradients, relativeError } = await import(
    './kernels/test-reference.js'
  );
  await initBackend({ backend: 'wasm' });
  expect(await nativeKernelStatus()).toEqual({
    available: false,
    reason: 'turned off by RESIDUAL_NATIVE=0',
  });
  // Stock wasm has no filter gradient (tensorflow/tfjs#8474): training a convolution needs our
  // portable kernels, and they must compute the definition.
  const tf = await import('@tensorflow/tfjs');
  const c = {
    batch: 2,
    size: [9, 7] as [number, number],
    inChannels: 3,
    outChannels: 5,
    kernel: [3, 3] as [number, number],
    stride: 2,
    dilation: 1,
    padding: 'same' as const,
  };
  const info = geometry(c);
  const rng = new Rng(1);
  const x = randomValues(c.batch * 9 * 7 * 3, rng);
  const w = randomValues(3 * 3 * 3 * 5, rng);
  const r = randomValues(info.batchSize * info.outHeight * info.outWidth * 5, rng);
  const [y, dx, dw] = tf.tidy(() => {
    const conv = (a: TF.Tensor, b: TF.Tensor) =>
      tf.conv2d(a as TF.Tensor4D, b as TF.Tensor4D, c.stride, c.padding);
    const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]);
    const wt = tf.tensor4d(w, [...c.kernel, c.inChannels, c.outChannels]);
    const rt = tf.tensor(r, info.outShape);
    const grads = tf.grads((a: TF.Tensor, b: TF.Tensor) => conv(a, b).mul(rt).sum())([xt, wt]);
    return [conv(xt, wt), ...grads].map((t) => t.dataSync());
  });
  const expected = referenceGradients(info, x, w, r);
  expect(relativeError(y, referenceConv(info, x, w))).toBeLessThan(1e-5);
  expect(relativeError(dx, expected.dx)).toBeLessThan(1e-5);
  expect(relativeError(dw, expected.dw)).toBeLessThan(1e-5);
});
