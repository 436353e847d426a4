import { nativeSkipReason } from '@residual/vitest-config/peer';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../init-backend.js';
import { Rng } from '../rng.js';

const nativeSkip = nativeSkipReason(await nativeKernelStatus());

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
  // Enough input rows to spread over threads.
  { shape: [4, 16, 16, 8], size: [32, 32], alignCorners: false, halfPixelCenters: false },
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

/** The gradient of a resize by `c` of zeros against dy, on the current backend. */
function resizeGradient(c: ResizeCase, dyValues: Float32Array): Float32Array {
  const [batch, , , channels] = c.shape;
  return tf.tidy(() => {
    const x = tf.zeros(c.shape) as tf.Tensor4D;
    const dy = tf.tensor4d(dyValues, [batch, ...c.size, channels]);
    const resized = (images: tf.Tensor) =>
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
      );
    return tf.grad(resized)(x).dataSync() as Float32Array;
  });
}

function upstream(c: ResizeCase, rng: Rng): Float32Array {
  const [batch, , , channels] = c.shape;
  return Float32Array.from(
    { length: batch * c.size[0] * c.size[1] * channels },
    () => rng.nextFloat() * 2 - 1,
  );
}

const BACKENDS = [
  { name: 'cpu', backend: 'cpu', native: false },
  { name: 'wasm (JavaScript)', backend: 'wasm', native: false },
  { name: 'wasm (native)', backend: 'wasm', native: true },
] as const;

describe('the nearest-neighbour resize gradient', () => {
  for (const { name, backend, native } of BACKENDS) {
    it.skipIf(native && nativeSkip !== undefined)(
      `sends each pixel's gradient back to the pixel it was copied from on ${name}, image by image`,
      async () => {
        await initBackend({ backend, native });
        const rng = new Rng(5);
        for (const c of CASES) {
          const dyValues = upstream(c, rng);
          const expected = gradientByDefinition(c, dyValues);
          const actual = resizeGradient(c, dyValues);
          const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
          expect(worst, JSON.stringify(c)).toBeLessThan(1e-6);
        }
      },
    );
  }

  it.skipIf(nativeSkip !== undefined)(
    'gives the same bits natively as in JavaScript, whatever the thread count',
    async () => {
      const rng = new Rng(6);
      const cases = CASES.map((c) => ({ c, dy: upstream(c, rng) }));
      const run = async (native: boolean, threads?: number) => {
        await initBackend({ backend: 'wasm', native, threads });
        return cases.map(({ c, dy }) => [...resizeGradient(c, dy)]);
      };
      const javascript = await run(false);
      expect(await run(true, 1)).toEqual(javascript);
      expect(await run(true, 2)).toEqual(javascript);
    },
  );
});
