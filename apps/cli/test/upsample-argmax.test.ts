import { initBackend, Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsampleArgmax } from '../src/upsample-argmax.js';

describe('upsampleArgmax', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each([
    [5, 7, 4, 13, 11],
    [8, 8, 3, 8, 8],
    [3, 4, 21, 40, 56],
    [16, 12, 2, 9, 5],
  ])(
    '%i×%i×%i logits to %i×%i: the argmax of tf.image.resizeBilinear (half-pixel centres)',
    (rows, columns, classes, height, width) => {
      const rng = new Rng(rows * 1000 + height);
      const logits = Float32Array.from(
        { length: rows * columns * classes },
        () => (rng.nextFloat() - 0.5) * 6,
      );
      const mask = upsampleArgmax(logits, rows, columns, classes, height, width);
      const resized = tf.tidy(() =>
        tf.image.resizeBilinear(
          tf.tensor4d(logits, [1, rows, columns, classes]),
          [height, width],
          false,
          true,
        ),
      );
      const expected = resized.dataSync();
      resized.dispose();
      let differing = 0;
      for (let p = 0; p < height * width; p++) {
        const scores = expected.subarray(p * classes, (p + 1) * classes);
        const best = scores.indexOf(Math.max(...scores));
        if (mask[p] === best) continue;
        // Only a near-tie may fall the other way (float32 in tfjs, float64 here).
        differing++;
        expect(Math.abs(scores[mask[p]] - scores[best])).toBeLessThan(1e-5);
      }
      expect(differing).toBeLessThanOrEqual(1);
    },
  );
});
