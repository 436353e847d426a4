import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { Rng } from '../rng.js';
import { expectTensorsClose } from '../testing/expect-tensors-close.js';
import { onStockCpu } from '../testing/on-stock-cpu.js';

interface Case {
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  multiplier: number;
}

// Dilated ones: dilated-conv-gradients.test.ts (tfjs's own gradient refuses dilations above 1).
const cases: Case[] = [
  { kernel: 1, stride: 1, padding: 'valid', multiplier: 1 }, // LayerScale
  { kernel: 3, stride: 1, padding: 'same', multiplier: 1 },
  { kernel: 3, stride: 2, padding: 'same', multiplier: 2 },
  { kernel: 3, stride: 2, padding: 'valid', multiplier: 1 },
  { kernel: 3, stride: 1, padding: 'valid', multiplier: 3 },
];

function randomTensor(shape: number[], rng: Rng): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.nextFloat() * 2 - 1;
  return tf.tensor(values, shape);
}

/** Input and filter gradients of sum(depthwiseConv2d(x, w) * weights) on the active backend. */
function depthwiseGradients(c: Case): { dx: Float32Array; dw: Float32Array; shapes: number[][] } {
  const rng = new Rng(11);
  return tf.tidy(() => {
    const x = randomTensor([2, 7, 6, 3], rng) as tf.Tensor4D;
    const w = randomTensor([c.kernel, c.kernel, 3, c.multiplier], rng) as tf.Tensor4D;
    const forward = (xs: tf.Tensor4D, ws: tf.Tensor4D) =>
      tf.depthwiseConv2d(xs, ws, c.stride, c.padding);
    const weights = randomTensor(forward(x, w).shape, rng);
    const f = (xs: tf.Tensor4D, ws: tf.Tensor4D) => forward(xs, ws).mul(weights).sum();
    const [dx, dw] = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w]);
    return {
      dx: dx.dataSync() as Float32Array,
      dw: dw.dataSync() as Float32Array,
      shapes: [dx.shape, dw.shape],
    };
  });
}

describe('depthwise conv2d gradients on wasm match cpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const c of cases) {
    it(`${c.kernel}x${c.kernel} stride ${c.stride} ${c.padding} ×${c.multiplier}`, async () => {
      const expected = await onStockCpu(() => depthwiseGradients(c));
      const before = tf.memory().numTensors;
      const actual = depthwiseGradients(c);
      expect(tf.memory().numTensors).toBe(before);
      expect(actual.shapes).toEqual(expected.shapes);
      expectTensorsClose(actual.dx, expected.dx, { rtol: 1e-4, atol: 1e-5 });
      expectTensorsClose(actual.dw, expected.dw, { rtol: 1e-4, atol: 1e-5 });
    });
  }
});
