import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from './init-backend.js';
import { Rng } from './rng.js';

/** Losses of a few SGD steps of a small conv + batch-norm network, all seeded. */
function trainLosses(steps: number): number[] {
  return tf.tidy(() => {
    const seeded = (seed: number) => tf.initializers.heNormal({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 3],
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: seeded(1),
        }),
        tf.layers.batchNormalization(),
        tf.layers.reLU(),
        tf.layers.conv2d({
          filters: 16,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          useBias: false,
          kernelInitializer: seeded(2),
        }),
        tf.layers.batchNormalization(),
        tf.layers.reLU(),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 4, kernelInitializer: seeded(3) }),
      ],
    });
    const rng = new Rng(5);
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
    optimizer.dispose();
    model.dispose();
    return losses;
  });
}

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

describe('training is deterministic: the same seed gives the same losses, bit for bit', () => {
  for (const native of [true, false]) {
    it.skipIf(native && nativeSkip !== undefined)(
      `on wasm, native ${native ? 'on' : 'off'}`,
      async () => {
        await initBackend({ backend: 'wasm', native });
        const first = trainLosses(4);
        const second = trainLosses(4);
        expect(second).toEqual(first);
        expect(first[3]).toBeLessThan(first[0]);
      },
    );
  }
});
