import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from './init-backend.js';
import { Rng } from './rng.js';

/**
 * A small residual network (convolutions with strides, batch norm, ReLU, an identity and a
 * projection shortcut, a dilated convolution as in DeepLab's last stages, global pooling, a
 * dense head), seeded, trained `steps` SGD-momentum steps
 * in training mode: the losses and every weight afterwards, as raw float32 bits. Its 16×12×12×16
 * activations are large enough for the native kernels to split work among threads.
 */
function train(steps: number): { losses: number[]; weights: Buffer } {
  return tf.tidy(() => {
    const seeded = (seed: number) => tf.initializers.heNormal({ seed });
    const conv = (filters: number, strides: number, seed: number) =>
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        strides,
        padding: 'same',
        useBias: false,
        kernelInitializer: seeded(seed),
      });
    const input = tf.input({ shape: [12, 12, 3] });
    const stem = tf.layers
      .reLU()
      .apply(
        tf.layers.batchNormalization().apply(conv(16, 1, 1).apply(input)),
      ) as tf.SymbolicTensor;
    const branch = tf.layers
      .batchNormalization()
      .apply(conv(16, 1, 3).apply(tf.layers.reLU().apply(conv(16, 1, 2).apply(stem))));
    const block1 = tf.layers
      .reLU()
      .apply(tf.layers.add().apply([stem, branch as tf.SymbolicTensor]));
    const down = tf.layers.batchNormalization().apply(conv(32, 2, 4).apply(block1));
    const projection = tf.layers
      .conv2d({ filters: 32, kernelSize: 1, strides: 2, kernelInitializer: seeded(5) })
      .apply(block1);
    const block2 = tf.layers
      .reLU()
      .apply(tf.layers.add().apply([down as tf.SymbolicTensor, projection as tf.SymbolicTensor]));
    const atrous = tf.layers
      .conv2d({
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        dilationRate: 2,
        useBias: false,
        kernelInitializer: seeded(8),
      })
      .apply(block2);
    const output = tf.layers
      .dense({ units: 4, kernelInitializer: seeded(6) })
      .apply(tf.layers.globalAveragePooling2d({}).apply(atrous));
    const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    const rng = new Rng(7);
    const x = tf.tensor4d(
      Array.from({ length: 16 * 12 * 12 * 3 }, () => rng.nextFloat() * 2 - 1),
      [16, 12, 12, 3],
    );
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 4),
        'int32',
      ),
      4,
    );
    const optimizer = tf.train.momentum(0.05, 0.9);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
      )!;
      losses.push(loss.dataSync()[0]);
    }
    const weights = Buffer.concat(
      model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer)),
    );
    optimizer.dispose();
    model.dispose();
    return { losses, weights };
  });
}

const nativeSkip = nativeSkipReason(await nativeKernelStatus());
const STEPS = 4;

describe('training is deterministic: the same seed gives the same weights, bit for bit', () => {
  for (const [backend, native] of [
    ['wasm', true],
    ['wasm', false],
    ['cpu', false],
  ] as const) {
    it.skipIf(native && nativeSkip !== undefined)(
      `on ${backend}${backend === 'wasm' ? `, native ${native ? 'on' : 'off'}` : ''}`,
      async () => {
        await initBackend({ backend, native });
        const first = train(STEPS);
        const second = train(STEPS);
        expect(second.losses).toEqual(first.losses);
        expect(second.weights.equals(first.weights)).toBe(true);
        expect(first.losses[STEPS - 1]).toBeLessThan(first.losses[0]);
      },
    );
  }

  it.skipIf(nativeSkip !== undefined)('with 1, 2 or 3 native threads', async () => {
    const runs = [];
    const status = await nativeKernelStatus();
    try {
      for (const threads of [1, 2, 3]) {
        await initBackend({ backend: 'wasm', native: true, threads });
        runs.push(train(STEPS));
      }
    } finally {
      if (status.available)
        await initBackend({ backend: 'wasm', native: true, threads: status.threads });
    }
    for (const run of runs.slice(1)) {
      expect(run.losses).toEqual(runs[0].losses);
      expect(run.weights.equals(runs[0].weights)).toBe(true);
    }
  });
});
