import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { randomScaleCropFlip } from './segmentation-augmentation.js';
import { segmentationBatches } from './segmentation-batches.js';
import type { SegmentationSplit } from './segmentation-dataset.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Five 2×3 RGB images; image n's bytes are 10n + channel, its mask n everywhere but one 255. */
const split: SegmentationSplit = {
  images: Uint8Array.from({ length: 5 * 6 * 3 }, (_, i) => 10 * Math.floor(i / 18) + (i % 3)),
  masks: Uint8Array.from({ length: 5 * 6 }, (_, i) => (i % 6 === 5 ? 255 : Math.floor(i / 6))),
  count: 5,
  imageShape: [2, 3, 3],
};

describe('segmentationBatches', () => {
  it('yields float images, int32 masks with 255 kept, in the order batches gives', async () => {
    const options = { batchSize: 2, shuffle: true, seed: 7, epoch: 1 };
    const order = [
      ...batches(
        { images: split.images, labels: new Uint8Array(5), count: 5, imageShape: [2, 3, 3] },
        options,
      ),
    ].flatMap((b) => {
      tf.dispose([b.images, b.labels]);
      return Array.from(b.indices);
    });
    const seen: number[] = [];
    await expectNoLeakedTensors(() => {
      for (const batch of segmentationBatches(split, {
        ...options,
        normalization: { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] },
      })) {
        expect(batch.images.shape.slice(1)).toEqual([2, 3, 3]);
        expect(batch.masks.dtype).toBe('int32');
        expect(batch.masks.shape.slice(1)).toEqual([2, 3]);
        const images = batch.images.dataSync();
        const masks = batch.masks.dataSync();
        batch.indices.forEach((n, row) => {
          expect(images[row * 18 + 1]).toBeCloseTo(10 * n + 1, 3);
          expect(Array.from(masks.subarray(row * 6, row * 6 + 6))).toEqual([n, n, n, n, n, 255]);
        });
        seen.push(...batch.indices);
        tf.dispose([batch.images, batch.masks]);
      }
    });
    expect(seen).toEqual(order);
  });

  it('augments images and masks together, seeded by (seed, epoch, batch), leaving the split', () => {
    const run = (startBatch = 0) =>
      [
        ...segmentationBatches(split, {
          batchSize: 2,
          seed: 3,
          startBatch,
          augmentation: randomScaleCropFlip({ scale: [1, 1], padding: 1 }),
        }),
      ].map((batch) => {
        const values = [Array.from(batch.images.dataSync()), Array.from(batch.masks.dataSync())];
        tf.dispose([batch.images, batch.masks]);
        return values;
      });
    const all = run();
    expect(run(1)).toEqual(all.slice(1));
    // Padded pixels, black in the image (blue is never 0 in a real pixel), are ignored.
    const [images, masks] = all[0];
    const padded = masks.filter((_, p) => images[3 * p + 2] === 0);
    expect(padded.length).toBeGreaterThan(0);
    expect(padded.every((value) => value === 255)).toBe(true);
    expect(split.masks[5]).toBe(255);
    expect(split.images[18]).toBe(10);
  });

  it('rejects a bad batch size', () => {
    expect(() => segmentationBatches(split, { batchSize: 0 }).next()).toThrow(
      'batchSize must be a positive integer, got 0.',
    );
  });
});
