import { Rng } from '@residual/backend';
import type { ImageSplit } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';

/**
 * A tiny two-class image set the tests can learn in a few steps: class 0 has its ink in the
 * left half of an 8×8 image, class 1 in the right half, plus noise.
 */
export function halvesSplit(count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % 2;
    for (let i = 0; i < 64; i++) {
      const left = i % 8 < 4;
      const ink = left === (labels[n] === 0) ? 150 : 0;
      images[n * 64 + i] = Math.min(255, ink + rng.nextInt(100));
    }
  }
  return { images, labels, count, imageShape: [8, 8, 1] };
}

/** A small conv net with batch norm, seeded; its layer names are fixed, as a registry model's are. */
export function smallConvNet(seed: number, filters = 4): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters,
        kernelSize: 3,
        padding: 'same',
        name: 'conv',
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU(),
      // Flatten, not global pooling: the classes differ by where the ink is.
      tf.layers.flatten(),
      tf.layers.dense({
        units: 2,
        name: 'logits',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}
