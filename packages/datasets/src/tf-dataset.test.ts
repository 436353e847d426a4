import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cifarAugmentation } from './augmentation.js';
import type { ImageSplit } from './image-dataset.js';
import { toTfDataset } from './tf-dataset.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** `count` images of `side`×`side`×`channels` whose bytes vary with image and position. */
function split(count: number, side: number, channels: number): ImageSplit {
  const size = side * side * channels;
  return {
    images: Uint8Array.from(
      { length: count * size },
      (_, i) => (i * 31 + Math.floor(i / size)) % 256,
    ),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 4),
    count,
    imageShape: [side, side, channels],
  };
}

/** Every batch of one iteration (one epoch), as plain arrays. */
async function epochOf(dataset: tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }>) {
  const out: { xs: number[]; ys: number[][] }[] = [];
  await dataset.forEachAsync(({ xs, ys }) => {
    out.push({ xs: Array.from(xs.dataSync()), ys: ys.arraySync() as number[][] });
    tf.dispose([xs, ys]);
  });
  return out;
}

describe('toTfDataset', () => {
  it('yields one-hot batches, a new shuffled epoch per iteration, the same for the same seed', async () => {
    const data = split(10, 2, 1);
    const options = { batchSize: 4, shuffle: true, seed: 3, numClasses: 4 };
    const a = toTfDataset(data, options);
    const b = toTfDataset(data, options);
    const [a0, a1, b0] = [await epochOf(a), await epochOf(a), await epochOf(b)];
    expect(a0.map((batch) => batch.ys.length)).toEqual([4, 4, 2]);
    expect(a0[0].ys.every((row) => row.length === 4 && row.reduce((s, v) => s + v) === 1)).toBe(
      true,
    );
    expect(b0).toEqual(a0);
    expect(a1).not.toEqual(a0);
    expect(await epochOf(toTfDataset(data, { ...options, firstEpoch: 1 }))).toEqual(a1);
  });

  it('trains a model through fitDataset without leaking tensors', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 3] }),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: 'zeros' }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const dataset = toTfDataset(split(24, 4, 3), {
      batchSize: 8,
      shuffle: true,
      seed: 1,
      numClasses: 4,
      augmentation: cifarAugmentation,
      normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    });
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(dataset, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('never holds more than a batch or two as float32 tensors', async () => {
    // 1,000 CIFAR-sized images: 12 MB as one float32 tensor, 0.6 MB per batch of 50.
    const data = split(1000, 32, 3);
    let peak = 0;
    await toTfDataset(data, { batchSize: 50, numClasses: 4 }).forEachAsync(({ xs, ys }) => {
      peak = Math.max(peak, tf.memory().numBytes);
      tf.dispose([xs, ys]);
    });
    expect(peak).toBeLessThanOrEqual(2 * 50 * 32 * 32 * 3 * 4 + 4096);
  });
});
