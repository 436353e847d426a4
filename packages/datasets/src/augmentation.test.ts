import { initBackend, Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomCropAndFlip } from './augmentation.js';
import { batches } from './batches.js';
import type { ImageSplit } from './image-dataset.js';

/** One 3×3 single-channel image with pixel values 1..9. */
const image = () => Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

describe('randomCropAndFlip', () => {
  it('without padding or flip leaves images unchanged', () => {
    const bytes = image();
    randomCropAndFlip({ padding: 0, flip: false })(bytes, [1, 3, 3, 1], new Rng(1));
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('only ever produces shifted (and mirrored) windows with zeros from the padding', () => {
    const seen = new Set<string>();
    const rng = new Rng(2);
    for (let i = 0; i < 400; i++) {
      const bytes = image();
      randomCropAndFlip({ padding: 1 })(bytes, [1, 3, 3, 1], rng);
      seen.add(bytes.join(','));
    }
    // 3 vertical × 3 horizontal shifts × 2 mirrorings, all reached.
    expect(seen.size).toBe(18);
    expect(seen).toContain('1,2,3,4,5,6,7,8,9');
    expect(seen).toContain('3,2,1,6,5,4,9,8,7'); // mirrored, no shift
    expect(seen).toContain('0,0,0,0,1,2,0,4,5'); // shifted down and right
  });

  it('moves whole pixels across channels together', () => {
    const bytes = Uint8Array.from([1, 10, 2, 20]); // 1×2 image, 2 channels
    const rng = new Rng(3);
    for (let i = 0; i < 20; i++) {
      const copy = bytes.slice();
      randomCropAndFlip({ padding: 0 })(copy, [1, 1, 2, 2], rng);
      expect(['1,10,2,20', '2,20,1,10']).toContain(copy.join(','));
    }
  });
});

describe('augmented batches', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const split: ImageSplit = {
    images: Uint8Array.from({ length: 6 * 9 }, (_, i) => (i % 9) + 1),
    labels: new Uint8Array(6),
    count: 6,
    imageShape: [3, 3, 1],
  };
  const values = (options: { seed: number; epoch: number; startBatch?: number }) =>
    [
      ...batches(split, {
        batchSize: 2,
        shuffle: true,
        augmentation: randomCropAndFlip({ padding: 1 }),
        ...options,
      }),
    ].map((b) => {
      const data = Array.from(b.images.dataSync());
      tf.dispose([b.images, b.labels]);
      return data;
    });

  it('are the same for the same seed, epoch and batch, also when resumed mid-epoch', () => {
    const all = values({ seed: 1, epoch: 0 });
    expect(values({ seed: 1, epoch: 0 })).toEqual(all);
    expect(values({ seed: 1, epoch: 0, startBatch: 1 })).toEqual(all.slice(1));
    expect(values({ seed: 1, epoch: 1 })).not.toEqual(all);
  });

  it('leave the split itself untouched', () => {
    values({ seed: 1, epoch: 0 });
    expect(Array.from(split.images.subarray(0, 9))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
