// The tap-window filter gradient on wasm against the float64 definition, for every chunking,
// whichever method the registered kernel picks for the shape.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../init-backend.js';
import { Rng } from '../../rng.js';
import {
  type ConvCase,
  geometry,
  label,
  randomValues,
  referenceGradients,
  relativeError,
  squareKernelGrid,
} from '../test-reference.js';
import { filterGradientByTaps } from './filter-gradient-by-taps.js';

const base: ConvCase = {
  batch: 3,
  size: [9, 7],
  inChannels: 3,
  outChannels: 5,
  kernel: [3, 3],
  stride: 1,
  dilation: 1,
  padding: 'same',
};

const CASES: ConvCase[] = [
  ...squareKernelGrid(base),
  { ...base, kernel: [3, 1], size: [5, 6] },
  { ...base, kernel: [2, 4], stride: 2, size: [11, 13], inChannels: 17, outChannels: 9 },
  { ...base, kernel: [2, 2], stride: 3, padding: 'valid', size: [10, 11] },
  // The filter wider than the image: most taps read only padding.
  { ...base, batch: 1, size: [2, 3], kernel: [7, 7], stride: 2 },
  { ...base, dilation: 2 },
  { ...base, dilation: 3, padding: 'valid', size: [11, 10] },
];

describe('filter gradient by tap windows (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', native: false });
  });

  const skipsRows: ConvCase = { ...base, size: [10, 10], stride: 2, padding: 'valid' };
  const cases: [ConvCase, string][] = [
    ...CASES.map((c): [ConvCase, string] => [c, 'matches the definition in every chunking']),
    // Row and column 9 are read by no output: an infinity there must not become NaN.
    [skipsRows, 'ignores an infinity in the rows and columns dy does not depend on'],
  ];

  for (const [c, what] of cases) {
    it(`${what}: ${label(c)}`, () => {
      const info = geometry(c);
      const rng = new Rng(7);
      const x = randomValues(c.batch * c.size[0] * c.size[1] * c.inChannels, rng);
      if (c === skipsRows) {
        for (let i = 0; i < x.length; i++) {
          const pixel = Math.floor(i / c.inChannels);
          const [row, col] = [Math.floor(pixel / c.size[1]) % c.size[0], pixel % c.size[1]];
          if (row === 9 || col === 9) x[i] = Number.POSITIVE_INFINITY;
        }
      }
      const dy = randomValues(info.batchSize * info.outHeight * info.outWidth * c.outChannels, rng);
      const filterShape = [...c.kernel, c.inChannels, c.outChannels];
      const w = new Float32Array(filterShape.reduce((a, b) => a * b, 1));
      const expected = referenceGradients(info, x, w, dy).dw;
      const backend = tf.backend() as unknown as BackendWasm;
      const xt = tf.tensor4d(x, [c.batch, ...c.size, c.inChannels]);
      const dyt = tf.tensor(dy, info.outShape);
      const before = backend.numDataIds();
      for (let imagesPerChunk = 1; imagesPerChunk <= c.batch; imagesPerChunk++) {
        const dw = filterGradientByTaps(backend, xt, dyt, info, filterShape, imagesPerChunk);
        expect(dw.shape).toEqual(filterShape);
        const actual = backend.typedArrayFromHeap(dw).slice();
        backend.disposeData(dw.dataId);
        expect(relativeError(actual, expected), `${imagesPerChunk} per chunk`).toBeLessThan(1e-5);
      }
      // Nothing left behind on the backend, the heap windows included.
      expect(backend.numDataIds()).toBe(before);
      tf.dispose([xt, dyt]);
    });
  }
});
