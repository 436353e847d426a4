import { BINARY_OPS } from '@residual/native-contract';
import { nativeSkipReason } from '@residual/vitest-config/peer';
import { describe, expect, it } from 'vitest';
import { loadNativeKernels, nativeStatus } from './load.js';
import { randomArray, relativeError } from './test-reference.js';

const native = loadNativeKernels();
const skipReason = nativeSkipReason(nativeStatus());

const BINARY: Record<keyof typeof BINARY_OPS, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  squaredDifference: (a, b) => (a - b) ** 2,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
};

// [rowStride, colStride] of a whole tensor, a scalar, a per-channel vector, a per-row value.
const LAYOUTS = {
  whole: (cols: number) => [cols, 1],
  scalar: () => [0, 0],
  channels: () => [0, 1],
  rows: () => [1, 0],
} as const;

describe.skipIf(skipReason !== undefined)('native element-wise kernels', () => {
  // Large enough to be split among threads (tasks of 32768 values).
  const rows = 3001;
  const cols = 37;

  for (const op of Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]) {
    for (const [aName, aLayout] of Object.entries(LAYOUTS)) {
      for (const [bName, bLayout] of Object.entries(LAYOUTS)) {
        it(`${op}(${aName}, ${bName})`, () => {
          const [ars, acs] = aLayout(cols);
          const [brs, bcs] = bLayout(cols);
          const extent = (rs: number, cs: number) => (rows - 1) * rs + (cols - 1) * cs + 1;
          const a = randomArray(extent(ars, acs), 11);
          const b = randomArray(extent(brs, bcs), 12).map((v) => v + 2); // no division by ~0
          const out = new Float32Array(rows * cols);
          native!.binary(BINARY_OPS[op], a, ars, acs, b, brs, bcs, out, rows, cols);
          const expected = new Float64Array(rows * cols);
          for (let r = 0; r < rows; r++)
            for (let c = 0; c < cols; c++)
              expected[r * cols + c] = BINARY[op](a[r * ars + c * acs], b[r * brs + c * bcs]);
          expect(relativeError(out, expected)).toBeLessThan(1e-6);
        });
      }
    }
  }

  it('propagates NaN through maximum and minimum, as TensorFlow.js does', () => {
    const a = Float32Array.of(Number.NaN, 1);
    const b = Float32Array.of(0, Number.NaN);
    const out = new Float32Array(2);
    native!.binary(BINARY_OPS.maximum, a, 2, 1, b, 2, 1, out, 1, 2);
    expect([...out]).toEqual([Number.NaN, Number.NaN]);
  });

  it('normalises a batch with per-channel or shared parameters', () => {
    const channels = 5;
    const x = randomArray(channels * 4000, 13);
    const mean = randomArray(channels, 14);
    const variance = randomArray(channels, 15).map((v) => v + 1.5);
    const scale = randomArray(channels, 16);
    const offset = Float32Array.of(0.5);
    const y = new Float32Array(x.length);
    native!.batchNorm(x, mean, variance, scale, offset, 1e-3, y, channels);
    const expected = Array.from(x, (v, i) => {
      const c = i % channels;
      return ((v - mean[c]) * scale[c]) / Math.sqrt(variance[c] + 1e-3) + 0.5;
    });
    expect(relativeError(y, expected)).toBeLessThan(1e-5);
    native!.batchNorm(x, mean, variance, null, null, 1e-3, y, channels);
    expect(
      relativeError(
        y,
        Array.from(
          x,
          (v, i) => (v - mean[i % channels]) / Math.sqrt(variance[i % channels] + 1e-3),
        ),
      ),
    ).toBeLessThan(1e-5);
  });

  it('computes the batch-norm gradient and its per-channel sums', () => {
    const channels = 6;
    const rows = 9000;
    const x = randomArray(rows * channels, 18);
    const dy = randomArray(rows * channels, 19);
    const mean = randomArray(channels, 20);
    const invStd = randomArray(channels, 21).map((v) => v + 2);
    const scale = randomArray(channels, 22);
    const dx = new Float32Array(x.length);
    const sumDy = new Float32Array(channels);
    const sumDyCentered = new Float32Array(channels);
    native!.batchNormBackward(x, dy, mean, invStd, scale, dx, sumDy, sumDyCentered, channels);
    const expectedDx = Array.from(dy, (g, i) => g * invStd[i % channels] * scale[i % channels]);
    expect(relativeError(dx, expectedDx)).toBeLessThan(1e-6);
    const a = new Float64Array(channels);
    const b = new Float64Array(channels);
    for (let i = 0; i < x.length; i++) {
      a[i % channels] += dy[i];
      b[i % channels] += dy[i] * (x[i] - mean[i % channels]);
    }
    for (let c = 0; c < channels; c++) {
      expect(sumDy[c]).toBeCloseTo(a[c], 2);
      expect(sumDyCentered[c]).toBeCloseTo(b[c], 2);
    }
    native!.batchNormBackward(x, dy, mean, invStd, null, dx, sumDy, sumDyCentered, channels);
    expect(
      relativeError(
        dx,
        Array.from(dy, (g, i) => g * invStd[i % channels]),
      ),
    ).toBeLessThan(1e-6);
  });

  for (const [outer, reduce, inner] of [
    [1, 100000, 16],
    [1, 70000, 1],
    [3, 5, 7],
    [128, 64, 64],
    [1000, 10, 1],
  ] as const) {
    it(`sums over the middle axis of [${outer}, ${reduce}, ${inner}], deterministically`, () => {
      const x = randomArray(outer * reduce * inner, 17);
      const out = new Float32Array(outer * inner);
      native!.sumMiddleAxis(x, outer, reduce, inner, 0.5, out);
      const expected = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++)
        for (let r = 0; r < reduce; r++)
          for (let i = 0; i < inner; i++)
            expected[o * inner + i] += 0.5 * x[(o * reduce + r) * inner + i];
      let maxDiff = 0;
      for (let i = 0; i < out.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(out[i] - expected[i]));
      // Absolute: sums of ±1 values cancel; float32 blocks of 32768 values err by ~1e-3 at most.
      expect(maxDiff).toBeLessThan(2e-3);
      const before = native!.threads();
      native!.setThreads(1);
      const single = new Float32Array(outer * inner);
      native!.sumMiddleAxis(x, outer, reduce, inner, 0.5, single);
      native!.setThreads(before);
      expect([...single]).toEqual([...out]);
    });
  }

  it('rejects an operand too short for its strides', () => {
    expect(() =>
      native!.binary(
        BINARY_OPS.add,
        new Float32Array(5),
        3,
        1,
        new Float32Array(1),
        0,
        0,
        new Float32Array(6),
        2,
        3,
      ),
    ).toThrow(/a has 5 values, needs 6/);
  });

  it('applies ReLU keeping NaN and -0, in place or not', () => {
    const x = randomArray(70001, 30); // several tasks of 32768 values
    x[5] = Number.NaN;
    x[6] = -0;
    const y = new Float32Array(x.length);
    native!.relu(x, y);
    for (let i = 0; i < x.length; i++) {
      // biome-ignore lint/complexity/useMathMinMax: Math.max(-0, 0) is +0; relu keeps -0.
      const expected = x[i] < 0 ? 0 : x[i];
      if (!Object.is(y[i], expected))
        throw new Error(`relu(${x[i]}) gave ${y[i]}, not ${expected}`);
    }
    const inPlace = x.slice();
    native!.relu(inPlace, inPlace);
    expect([...inPlace]).toEqual([...y]);
    expect(() => native!.relu(x, new Float32Array(3))).toThrow(/out has 3 values, needs 70001/);
  });

  it('takes exp within two ulp of Math.exp over the float range, the edges included', () => {
    // Over several tasks, from below the smallest normal result to past the largest float.
    const x = randomArray(70001, 90).map((value) => value * 100);
    const edges = [0, -0, 1, -1, 88.72, 88.7229, 88.8, -87.33, -87.34, -104, Infinity, -Infinity];
    x.set([...edges, Number.NaN]);
    const y = new Float32Array(x.length);
    native!.exp(x, y);
    for (let i = 0; i < x.length; i++) {
      const expected = Math.fround(Math.exp(x[i]));
      if (Number.isNaN(x[i])) {
        if (!Number.isNaN(y[i])) throw new Error(`exp(NaN) gave ${y[i]}`);
        continue;
      }
      // Below FLT_MIN the kernel gives 0 where Math.exp gives a subnormal.
      const ulp = Math.max(Math.abs(expected) * 2 ** -23, 2 ** -126);
      const allowed = expected < 2 ** -126 ? 2 ** -126 : 2 * ulp;
      if (!(Math.abs(y[i] - expected) <= allowed || y[i] === expected))
        throw new Error(`exp(${x[i]}) gave ${y[i]}, not ${expected}`);
    }
    expect(y[10]).toBe(Infinity);
    expect(y[11]).toBe(0);
    expect(() => native!.exp(x, new Float32Array(3))).toThrow(/y has 3 values, needs 70001/);
  });

  it("takes ReLU's gradient as tfjs cpu's dy · step(x), NaN, −0 and infinities included", () => {
    const x = randomArray(70001, 31);
    const dy = randomArray(70001, 32);
    x.set([Number.NaN, -0, 0, -1, 2, -3], 0);
    dy.set([1, -2, -3, Number.POSITIVE_INFINITY, Number.NaN, -4], 0);
    const dx = new Float32Array(x.length);
    native!.reluBackward(x, dy, dx);
    for (let i = 0; i < x.length; i++) {
      const step = Number.isNaN(x[i]) ? Number.NaN : x[i] > 0 ? 1 : 0;
      const expected = Math.fround(dy[i] * step);
      if (!Object.is(dx[i], expected)) {
        throw new Error(`relu gradient at x = ${x[i]}, dy = ${dy[i]}: ${dx[i]}, not ${expected}`);
      }
    }
    expect(() => native!.reluBackward(x, dy, new Float32Array(3))).toThrow(
      /dx has 3 values, needs 70001/,
    );
  });

  // [3, 700, 41] → [4, 703, 43]: every side of every axis, rows wholly in padding, rows with a
  // copied middle, and enough rows (2,812) for several tasks. NHWC with only H and W padded: the
  // unpadded channels are copied with their pixel. Only the first axis, or none: one long row.
  it.each([
    { shape: [3, 700, 41], before: [1, 2, 0], after: [0, 1, 2] },
    { shape: [5, 9, 11, 16], before: [0, 1, 1, 0], after: [0, 1, 2, 0] },
    { shape: [5, 9, 3, 16], before: [0, 0, 2, 0], after: [0, 0, 3, 0] },
    { shape: [4, 6, 7], before: [2, 0, 0], after: [1, 0, 0] },
    { shape: [4, 6, 7], before: [0, 0, 0], after: [0, 0, 0] },
  ])(
    'pads $shape by $before / $after with a constant, whatever the thread count',
    ({ shape, before, after }) => {
      const out = shape.map((n, d) => n + before[d] + after[d]);
      const x = randomArray(
        shape.reduce((a, b) => a * b),
        13,
      );
      const layout = Int32Array.from([shape.length, ...shape, ...before, ...after]);
      const y = new Float32Array(out.reduce((a, b) => a * b));
      native!.pad(x, layout, -2.5, y);
      for (let o = 0; o < y.length; o++) {
        // Unravel o over `out`, then ravel the shifted index over `shape`, if it is inside.
        let rest = o;
        let inputIndex = 0;
        let stride = 1;
        let inside = true;
        for (let d = shape.length - 1; d >= 0; d--) {
          const i = (rest % out[d]) - before[d];
          rest = Math.floor(rest / out[d]);
          if (i < 0 || i >= shape[d]) inside = false;
          inputIndex += i * stride;
          stride *= shape[d];
        }
        const expected = inside ? x[inputIndex] : -2.5;
        if (y[o] !== expected) throw new Error(`value ${o} is ${y[o]}, not ${expected}`);
      }
      const threads = native!.threads();
      native!.setThreads(1);
      const single = new Float32Array(y.length);
      native!.pad(x, layout, -2.5, single);
      native!.setThreads(threads);
      expect([...single]).toEqual([...y]);
    },
  );

  // A transpose of NHWC to NHCW (the option-A shortcut's), every-other-pixel subsampling, a
  // broadcast (stride 0), a reversed full permutation, and a scalar.
  it.each([
    { name: 'NHWC → NHCW', sizes: [3, 5, 16, 7], strides: [560, 112, 1, 16], length: 1680 },
    { name: 'subsample by 2', sizes: [2, 4, 4, 16], strides: [896, 224, 32, 1], length: 1792 },
    { name: 'broadcast', sizes: [4, 300], strides: [0, 1], length: 300 },
    { name: 'reverse axes', sizes: [9, 8, 7, 6], strides: [1, 9, 72, 504], length: 3024 },
    { name: 'scalar', sizes: [], strides: [], length: 1 },
  ])('copies with strides ($name), whatever the thread count', ({ sizes, strides, length }) => {
    const x = randomArray(length, 17);
    const out = new Float32Array(sizes.reduce((a, b) => a * b, 1));
    const layout = Int32Array.from([sizes.length, ...sizes, ...strides]);
    native!.stridedCopy(x, layout, out);
    for (let o = 0; o < out.length; o++) {
      let rest = o;
      let source = 0;
      for (let d = sizes.length - 1; d >= 0; d--) {
        source += (rest % sizes[d]) * strides[d];
        rest = Math.floor(rest / sizes[d]);
      }
      if (out[o] !== x[source]) throw new Error(`value ${o} is ${out[o]}, not x[${source}]`);
    }
    const threads = native!.threads();
    native!.setThreads(1);
    const single = new Float32Array(out.length);
    native!.stridedCopy(x, layout, single);
    native!.setThreads(threads);
    expect([...single]).toEqual([...out]);
  });

  it('rejects a strided copy that would read past x or write past out', () => {
    const x = new Float32Array(12);
    expect(() =>
      native!.stridedCopy(x, Int32Array.from([2, 3, 4, 5, 1]), new Float32Array(12)),
    ).toThrow(/x has 12 values, needs 14/);
    expect(() =>
      native!.stridedCopy(x, Int32Array.from([2, 3, 4, 4, 1]), new Float32Array(11)),
    ).toThrow(/out has 11 values, needs 12/);
    expect(() =>
      native!.stridedCopy(x, Int32Array.from([2, 3, 4, 4]), new Float32Array(12)),
    ).toThrow(/layout must be/);
    expect(() => native!.stridedCopy(x, Int32Array.from([1, 3, -1]), new Float32Array(12))).toThrow(
      /must be >= 0/,
    );
  });

  it("takes a max pool's gradient as the definition: first maximum, padding never, any threads", () => {
    // [batch, inHeight, inWidth, channels, outHeight, outWidth, strides, dilations, filter, pads]
    const [batch, height, width, channels] = [3, 13, 11, 20];
    const [outHeight, outWidth, stride, filter, pad] = [7, 6, 2, 3, 1];
    const geometry = Int32Array.from([
      ...[batch, height, width, channels, outHeight, outWidth, stride, stride, 1, 1],
      ...[filter, filter, pad, pad],
    ]);
    // Rounded values make ties common; one NaN must not win after the first of its window.
    const x = randomArray(batch * height * width * channels, 23).map((v) => Math.round(v * 4));
    x[5 * width * channels + 7] = Number.NaN;
    const dy = randomArray(batch * outHeight * outWidth * channels, 29);
    const expected = new Float32Array(x.length);
    for (let n = 0; n < batch; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let c = 0; c < channels; c++) {
            let at = -1;
            for (let ky = 0; ky < filter; ky++) {
              for (let kx = 0; kx < filter; kx++) {
                const y = oy * stride - pad + ky;
                const xx = ox * stride - pad + kx;
                if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
                const i = ((n * height + y) * width + xx) * channels + c;
                if (at < 0 || x[i] > x[at]) at = i;
              }
            }
            expected[at] += dy[((n * outHeight + oy) * outWidth + ox) * channels + c];
          }
        }
      }
    }
    const dx = new Float32Array(x.length).fill(7);
    native!.maxPoolBackward(x, dy, geometry, dx);
    expect([...dx]).toEqual([...expected]);
    const threads = native!.threads();
    native!.setThreads(1);
    const single = new Float32Array(x.length);
    native!.maxPoolBackward(x, dy, geometry, single);
    native!.setThreads(threads);
    expect([...single]).toEqual([...dx]);
  });

  it("takes a nearest resize's gradient as its definition, and rejects a layout that does not fit", () => {
    // [1, 2, 3, 2] resized to [1, 3, 4, 2]: rows from 0, 0, 1; columns from 0, 1, 1, 2.
    const layout = [1, 2, 3, 2, 3, 4, 0, 0, 1, 0, 1, 1, 2];
    const dy = Float32Array.from({ length: 24 }, (_, i) => i + 1);
    const dx = new Float32Array(12).fill(7);
    native!.resizeNearestBackward(dy, Int32Array.from(layout), dx);
    const expected = new Float32Array(12);
    for (let oy = 0; oy < 3; oy++)
      for (let ox = 0; ox < 4; ox++)
        for (let c = 0; c < 2; c++)
          expected[(layout[6 + oy] * 3 + layout[9 + ox]) * 2 + c] += dy[(oy * 4 + ox) * 2 + c];
    expect([...dx]).toEqual([...expected]);
    const run =
      (l: number[], dxLength = 12) =>
      () =>
        native!.resizeNearestBackward(dy, Int32Array.from(l), new Float32Array(dxLength));
    expect(run(layout.slice(0, 12))).toThrow(/layout must be \[batch, inHeight/);
    expect(run([...layout.slice(0, 6), 0, 0, 2, 0, 1, 1, 2])).toThrow(/inside the input/);
    expect(run(layout, 11)).toThrow(/dx has 11 values, needs 12/);
  });

  it('rejects a max-pool geometry that does not describe the arrays', () => {
    const geometry = [1, 4, 4, 2, 2, 2, 2, 2, 1, 1, 2, 2, 0, 0];
    const run =
      (g: number[], xLength = 32, dyLength = 8, dxLength = 32) =>
      () =>
        native!.maxPoolBackward(
          new Float32Array(xLength),
          new Float32Array(dyLength),
          Int32Array.from(g),
          new Float32Array(dxLength),
        );
    expect(run(geometry)).not.toThrow();
    expect(run(geometry.slice(0, 13))).toThrow(/geometry must be/);
    expect(run(geometry, 32, 7)).toThrow(/dy has 7 values, needs 8/);
    expect(run(geometry, 32, 8, 31)).toThrow(/dx has 31 values, needs 32/);
    expect(run([1, 4, 4, 2, 2, 2, 0, 2, 1, 1, 2, 2, 0, 0])).toThrow(
      /strides, dilations and filters >= 1/,
    );
  });

  it('rejects a pad layout that does not describe the arrays', () => {
    const x = new Float32Array(6);
    expect(() => native!.pad(x, Int32Array.from([2, 2, 3, 0, 0]), 0, new Float32Array(6))).toThrow(
      /layout must be/,
    );
    expect(() =>
      native!.pad(x, Int32Array.from([2, 2, 3, 1, 0, 0, 0]), 0, new Float32Array(6)),
    ).toThrow(/out has 6 values, needs 9/);
    expect(() =>
      native!.pad(x, Int32Array.from([2, 2, 3, -1, 0, 0, 0]), 0, new Float32Array(6)),
    ).toThrow(/must be >= 0/);
  });

  it('computes batch-norm training statistics and gradient as the float64 definition', () => {
    const channels = 19;
    const rows = 4001; // several blocks of rows, on every thread
    const x = randomArray(rows * channels, 21).map((v) => v * 2 + 5); // mean 5: centring matters
    const dy = randomArray(rows * channels, 22);
    const scale = randomArray(channels, 23).map((v) => v + 1.5);
    const mean = new Float32Array(channels);
    const variance = new Float32Array(channels);
    native!.batchNormMoments(x, mean, variance, channels);
    const m = new Float64Array(channels);
    const v = new Float64Array(channels);
    for (let i = 0; i < x.length; i++) m[i % channels] += x[i] / rows;
    for (let i = 0; i < x.length; i++) v[i % channels] += (x[i] - m[i % channels]) ** 2 / rows;
    expect(relativeError(mean, Float32Array.from(m))).toBeLessThan(1e-6);
    expect(relativeError(variance, Float32Array.from(v))).toBeLessThan(1e-5);

    const invStd = variance.map((value) => 1 / Math.sqrt(value + 1e-5));
    const dx = new Float32Array(x.length);
    const dScale = new Float32Array(channels);
    const dOffset = new Float32Array(channels);
    native!.batchNormTrainingBackward(x, dy, mean, invStd, scale, dx, dScale, dOffset, channels);
    const sumDy = new Float64Array(channels);
    const sumDyXHat = new Float64Array(channels);
    for (let i = 0; i < x.length; i++) {
      const c = i % channels;
      sumDy[c] += dy[i];
      sumDyXHat[c] += dy[i] * (x[i] - mean[c]) * invStd[c];
    }
    const expected = dx.map((_, i) => {
      const c = i % channels;
      const xHat = (x[i] - mean[c]) * invStd[c];
      return scale[c] * invStd[c] * (dy[i] - sumDy[c] / rows - (xHat * sumDyXHat[c]) / rows);
    });
    expect(relativeError(dOffset, Float32Array.from(sumDy))).toBeLessThan(1e-5);
    expect(relativeError(dScale, Float32Array.from(sumDyXHat))).toBeLessThan(1e-5);
    expect(relativeError(dx, expected)).toBeLessThan(1e-4);

    const threads = native!.threads();
    native!.setThreads(1);
    const single = new Float32Array(x.length);
    native!.batchNormTrainingBackward(
      x,
      dy,
      mean,
      invStd,
      scale,
      single,
      dScale,
      dOffset,
      channels,
    );
    native!.setThreads(threads);
    expect([...single]).toEqual([...dx]);
  });
});
