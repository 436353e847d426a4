import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { Rng } from '../rng.js';
import { onStockCpu } from './on-stock-cpu.js';

/** Gradients through a convolution, batch norm and ReLU: kernels and gradients we replace. */
function gradients(): number[][] {
  return tf.tidy(() => {
    const rng = new Rng(3);
    const random = (shape: number[]) =>
      tf.tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextFloat() * 2 - 1),
        shape,
      );
    const x = random([2, 6, 5, 3]);
    const w = random([3, 3, 3, 4]);
    const gamma = random([4]);
    const beta = random([4]);
    const r = random([2, 6, 5, 4]);
    const f = (a: tf.Tensor, k: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      return tf
        .relu(tf.batchNorm(y, mean, variance, b, g, 1e-3))
        .mul(r)
        .mean();
    };
    return tf
      .grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w, gamma, beta])
      .map((g) => Array.from(g.dataSync()));
  });
}

it('runs stock tfjs kernels and gradients after initBackend replaced them on cpu', async () => {
  await tf.setBackend('cpu');
  const stock = gradients(); // before any kernel or gradient of ours is registered
  await initBackend({ backend: 'cpu' });
  // Ours round differently: were the reference taken on this cpu, it would not be stock tfjs.
  expect(gradients()).not.toEqual(stock);
  expect(await onStockCpu(gradients)).toEqual(stock);
  expect(tf.getBackend()).toBe('cpu');
});
