import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { Rng } from '../rng.js';
import { expectTensorsClose } from '../testing/expect-tensors-close.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm.js';

interface Case {
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
}

const cases: Case[] = [];
for (const kernel of [1, 3]) {
  for (const stride of [1, 2]) {
    for (const padding of ['same', 'valid'] as const) {
      cases.push({
        kernel,
        stride,
        padding,
        batch: 2,
        size: [9, 7],
        inChannels: 3,
        outChannels: 4,
      });
    }
  }
}
cases.push({
  kernel: 3,
  stride: 2,
  padding: 'same',
  batch: 1,
  size: [32, 32],
  inChannels: 16,
  outChannels: 32,
});

function randomTensor(shape: number[], rng: Rng): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.nextFloat() * 2 - 1;
  return tf.tensor(values, shape);
}

/** Input and filter gradients of sum(conv2d(x, w) * weights) on the active backend. */
function conv2dGradients(
  c: Case,
  backend: string,
): { dx: Float32Array; dw: Float32Array; shapes: number[][] } {
  const rng = new Rng(7);
  return tf.tidy(() => {
    const x = randomTensor([c.batch, ...c.size, c.inChannels], rng) as tf.Tensor4D;
    const w = randomTensor([c.kernel, c.kernel, c.inChannels, c.outChannels], rng) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.stride, c.padding);
    const weights = randomTensor(y.shape, rng);
    const f = (xs: tf.Tensor4D, ws: tf.Tensor4D) =>
      tf.conv2d(xs, ws, c.stride, c.padding).mul(weights).sum();
    const [dx, dw] = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w]);
    expect(tf.getBackend()).toBe(backend);
    return {
      dx: dx.dataSync() as Float32Array,
      dw: dw.dataSync() as Float32Array,
      shapes: [dx.shape, dw.shape],
    };
  });
}

describe('conv2d gradients on wasm match cpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const c of cases) {
    it(`${c.kernel}x${c.kernel} stride ${c.stride} ${c.padding} ${c.size.join('x')}x${c.inChannels}->${c.outChannels}`, async () => {
      await tf.setBackend('cpu');
      const expected = conv2dGradients(c, 'cpu');
      await tf.setBackend('wasm');
      const actual = conv2dGradients(c, 'wasm');
      expect(actual.shapes).toEqual(expected.shapes);
      // Relative tolerance 1e-4, with an absolute floor for sums that cancel to near zero.
      expectTensorsClose(actual.dx, expected.dx, { rtol: 1e-4, atol: 1e-5 });
      expectTensorsClose(actual.dw, expected.dw, { rtol: 1e-4, atol: 1e-5 });
    });
  }

  it('sums the filter gradient over im2col chunks when a batch does not fit in one', async () => {
    const c: Case = {
      kernel: 3,
      stride: 1,
      padding: 'same',
      batch: 5,
      size: [6, 6],
      inChannels: 3,
      outChannels: 2,
    };
    await tf.setBackend('cpu');
    const expected = conv2dGradients(c, 'cpu');
    await tf.setBackend('wasm');
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    // Room for two images' rows: the batch of five runs as chunks of 2, 2 and 1.
    tf.registerKernel(conv2dBackpropFilterWasmConfig(2 * 36 * 27));
    try {
      expectTensorsClose(conv2dGradients(c, 'wasm').dw, expected.dw, { rtol: 1e-4, atol: 1e-5 });
    } finally {
      tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
      tf.registerKernel(conv2dBackpropFilterWasmConfig());
    }
  });
});
