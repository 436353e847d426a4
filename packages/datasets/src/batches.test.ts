import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchCount, batches, epochOrder } from './batches.js';
import type { ImageSplit } from './image-dataset.js';

function split(count: number): ImageSplit {
  const images = new Uint8Array(count * 2 * 2 * 1);
  for (let i = 0; i < count; i++) images.fill(i, i * 4, (i + 1) * 4);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    imageShape: [2, 2, 1],
  };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('batches', () => {
  it('batches in order, converts bytes to normalised floats and keeps the last partial batch', () => {
    const out = [
      ...batches(split(5), { batchSize: 2, normalization: { mean: [0.5], std: [0.5] } }),
    ];
    expect(out.map((b) => b.images.shape[0])).toEqual([2, 2, 1]);
    expect(Array.from(out[1].labels.dataSync())).toEqual([2, 0]);
    // byte 3 -> (3/255 - 0.5) / 0.5
    expect(out[1].images.dataSync()[4]).toBeCloseTo((3 / 255 - 0.5) / 0.5, 6);
    expect(out[0].images.dtype).toBe('float32');
    tf.dispose(out.flatMap((b) => [b.images, b.labels]));
  });

  it('drops the remainder on request and counts batches', () => {
    expect(batchCount(split(5), { batchSize: 2, dropRemainder: true })).toBe(2);
    expect([...batches(split(5), { batchSize: 2, dropRemainder: true })].length).toBe(2);
  });

  it('shuffles the same way for the same seed and epoch, differently per epoch', () => {
    expect(Array.from(epochOrder(50, 1, 0))).toEqual(Array.from(epochOrder(50, 1, 0)));
    expect(Array.from(epochOrder(50, 1, 0))).not.toEqual(Array.from(epochOrder(50, 1, 1)));
    expect(Array.from(epochOrder(50, 1, 0))).not.toEqual(Array.from(epochOrder(50, 2, 0)));
    const seen = [...batches(split(9), { batchSize: 4, shuffle: true, seed: 3, epoch: 2 })].flatMap(
      (b) => Array.from(b.indices),
    );
    expect(seen).toEqual(Array.from(epochOrder(9, 3, 2)));
  });

  it('resumes mid-epoch at a given batch', () => {
    const all = [...batches(split(9), { batchSize: 2, shuffle: true, seed: 3 })].map((b) =>
      Array.from(b.indices),
    );
    const resumed = [
      ...batches(split(9), { batchSize: 2, shuffle: true, seed: 3, startBatch: 3 }),
    ].map((b) => Array.from(b.indices));
    expect(resumed).toEqual(all.slice(3));
  });

  it('rejects a bad batch size', () => {
    expect(() => [...batches(split(3), { batchSize: 0 })]).toThrow(
      'batchSize must be a positive integer, got 0.',
    );
  });
});
