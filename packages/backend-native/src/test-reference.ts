// Float64 reference implementations and random data for the tests.
import type { ConvGeometry } from './conv-geometry.js';

/** xorshift32 in [-1, 1): the same data on every run. */
export function randomArray(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    values[i] = (s / 4294967296) * 2 - 1;
  }
  return values;
}

export interface ConvCase {
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  dilation: number;
  padding: 'same' | 'valid';
  groups: number;
}

/** The geometry TensorFlow.js computes for `same` / `valid` padding. */
export function geometryOf(c: ConvCase): ConvGeometry {
  const [inHeight, inWidth] = c.size;
  const [filterHeight, filterWidth] = c.kernel;
  const effective = (k: number) => (k - 1) * c.dilation + 1;
  const axis = (size: number, k: number) => {
    if (c.padding === 'valid') {
      return { out: Math.max(0, Math.ceil((size - effective(k) + 1) / c.stride)), before: 0 };
    }
    const out = Math.ceil(size / c.stride);
    const total = Math.max(0, (out - 1) * c.stride + effective(k) - size);
    return { out, before: Math.floor(total / 2) };
  };
  const h = axis(inHeight, filterHeight);
  const w = axis(inWidth, filterWidth);
  return {
    batch: c.batch,
    inHeight,
    inWidth,
    inChannels: c.inChannels,
    filterHeight,
    filterWidth,
    outChannels: c.outChannels,
    outHeight: h.out,
    outWidth: w.out,
    strideHeight: c.stride,
    strideWidth: c.stride,
    padTop: h.before,
    padLeft: w.before,
    dilationHeight: c.dilation,
    dilationWidth: c.dilation,
    groups: c.groups,
  };
}

export const sizes = (g: ConvGeometry) => ({
  x: g.batch * g.inHeight * g.inWidth * g.inChannels,
  w: g.filterHeight * g.filterWidth * (g.inChannels / g.groups) * g.outChannels,
  y: g.batch * g.outHeight * g.outWidth * g.outChannels,
});

/** y, dx and dw of the convolution in float64, straight from the definition. */
export function referenceConv(
  g: ConvGeometry,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const n = sizes(g);
  const y = new Float64Array(n.y);
  const dx = new Float64Array(n.x);
  const dw = new Float64Array(n.w);
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let ky = 0; ky < g.filterHeight; ky++)
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
            const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
            if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
            for (let co = 0; co < g.outChannels; co++) {
              const group = Math.floor(co / cog);
              const yi = ((b * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + co;
              for (let c = 0; c < cig; c++) {
                const xi =
                  ((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels + group * cig + c;
                const wi = ((ky * g.filterWidth + kx) * cig + c) * g.outChannels + co;
                y[yi] += x[xi] * w[wi];
                dx[xi] += dy[yi] * w[wi];
                dw[wi] += x[xi] * dy[yi];
              }
            }
          }
  return { y, dx, dw };
}

/** max |actual − expected| / max |expected| (0 when both are all zeros). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i])) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
