import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { Rng } from '../rng.js';

interface ResizeCase {
  shape: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const CASES: ResizeCase[] = [
  // A U-Net decoder's doubling, several images: where tfjs's cpu kernel went wrong.
  { shape: [3, 4, 5, 2], size: [8, 10], alignCorners: false, halfPixelCenters: false },
  { shape: [2, 5, 7, 3], size: [12, 9], alignCorners: false, halfPixelCenters: true },
  { shape: [2, 5, 7, 1], size: [11, 3], alignCorners: true, halfPixelCenters: false },
  { shape: [2, 9, 9, 2], size: [4, 4], alignCorners: false, halfPixelCenters: false },
];

/**
 * The gradient by its definition: the forward kernel resizes an image of indices, which says
 * which input pixel each output pixel copies; each output's upstream gradient goes back there.
 */
function gradientByDefinition(c: ResizeCase, dy: Float32Array): Float32Array {
  const count = c.shape.reduce((a, b) => a * b);
  const indices = tf.tensor4d(
    Float32Array.from({ length: count }, (_, i) => i),
    c.shape,
  );
  const copied = tf.image
    .resizeNearestNeighbor(indices, c.size, c.alignCorners, c.halfPixelCenters)
    .dataSync();
  const dx = new Float32Array(count);
  copied.forEach((from, i) => {
    dx[from] += dy[i];
  });
  indices.dispose();
  return dx;
}

describe('the nearest-neighbour resize gradient', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`sends each pixel's gradient back to the pixel it was copied from on ${backend}, image by image`, async () => {
      await initBackend({ backend });
      const rng = new Rng(5);
      for (const c of CASES) {
        const [batch, , , channels] = c.shape;
        const dyValues = Float32Array.from(
          { length: batch * c.size[0] * c.size[1] * channels },
          () => rng.nextFloat() * 2 - 1,
        );
        const x = tf.zeros(c.shape) as tf.Tensor4D;
        const dy = tf.tensor4d(dyValues, [batch, ...c.size, channels]);
        const dx = tf.grad((images: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.image.resizeNearestNeighbor(
                images as tf.Tensor4D,
                c.size,
                c.alignCorners,
                c.halfPixelCenters,
              ),
              dy,
            ),
          ),
        )(x);
        const expected = gradientByDefinition(c, dyValues);
        const actual = dx.dataSync();
        const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
        expect(worst, JSON.stringify(c)).toBeLessThan(1e-6);
        tf.dispose([x, dy, dx]);
      }
    });
  }
});
