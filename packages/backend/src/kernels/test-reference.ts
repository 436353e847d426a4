// Float64 references and helpers for the kernel tests (not part of the package's API).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';

export interface ConvCase {
  batch: number;
  size: [number, number];
  inChannels: number;
  /** Output channels, or the channel multiplier of a depthwise convolution. */
  outChannels: number;
  kernel: [number, number];
  stride: number;
  dilation: number;
  padding: 'same' | 'valid';
}

export function label(c: ConvCase): string {
  return (
    `${c.batch}×${c.size.join('×')}×${c.inChannels}→${c.outChannels} ${c.kernel.join('×')} ` +
    `stride ${c.stride} dilation ${c.dilation} ${c.padding}`
  );
}

export function randomValues(size: number, rng: Rng): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.nextFloat() * 2 - 1;
  return values;
}

/** The convolution's geometry as tfjs computes it. */
export function geometry(c: ConvCase, depthwise = false): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    [c.batch, ...c.size, c.inChannels],
    [...c.kernel, c.inChannels, c.outChannels],
    c.stride,
    c.dilation,
    c.padding,
    undefined,
    depthwise,
  );
}

/**
 * y = conv(x, w) in float64, straight from the definition. Depthwise: output channel
 * c·multiplier + m reads input channel c only.
 */
export function referenceConv(
  info: tf.backend_util.Conv2DInfo,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  depthwise = false,
): Float64Array {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const y = new Float64Array(info.batchSize * outHeight * outWidth * outChannels);
  for (let n = 0; n < info.batchSize; n++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let ky = 0; ky < info.filterHeight; ky++)
          for (let kx = 0; kx < info.filterWidth; kx++) {
            const iy = oy * info.strideHeight - info.padInfo.top + ky * info.dilationHeight;
            const ix = ox * info.strideWidth - info.padInfo.left + kx * info.dilationWidth;
            if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth) continue;
            const pixel = ((n * inHeight + iy) * inWidth + ix) * inChannels;
            const out = ((n * outHeight + oy) * outWidth + ox) * outChannels;
            const tap = ky * info.filterWidth + kx;
            for (let co = 0; co < outChannels; co++) {
              if (depthwise) {
                const c = Math.floor(co / multiplier);
                y[out + co] += x[pixel + c] * w[tap * outChannels + co];
              } else {
                for (let c = 0; c < inChannels; c++) {
                  y[out + co] += x[pixel + c] * w[(tap * inChannels + c) * outChannels + co];
                }
              }
            }
          }
  return y;
}

/** dx and dw of L = Σ conv(x, w) · dy in float64, from the definition (the adjoint sums). */
export function referenceGradients(
  info: tf.backend_util.Conv2DInfo,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  depthwise = false,
): { dx: Float64Array; dw: Float64Array } {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const dx = new Float64Array(info.batchSize * inHeight * inWidth * inChannels);
  const dw = new Float64Array(w.length);
  for (let n = 0; n < info.batchSize; n++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let ky = 0; ky < info.filterHeight; ky++)
          for (let kx = 0; kx < info.filterWidth; kx++) {
            const iy = oy * info.strideHeight - info.padInfo.top + ky * info.dilationHeight;
            const ix = ox * info.strideWidth - info.padInfo.left + kx * info.dilationWidth;
            if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth) continue;
            const pixel = ((n * inHeight + iy) * inWidth + ix) * inChannels;
            const out = ((n * outHeight + oy) * outWidth + ox) * outChannels;
            const tap = ky * info.filterWidth + kx;
            for (let co = 0; co < outChannels; co++) {
              const channels = depthwise ? [Math.floor(co / multiplier)] : undefined;
              const first = channels?.[0] ?? 0;
              const last = channels === undefined ? inChannels : first + 1;
              for (let c = first; c < last; c++) {
                const wi = depthwise
                  ? tap * outChannels + co
                  : (tap * inChannels + c) * outChannels + co;
                dx[pixel + c] += dy[out + co] * w[wi];
                dw[wi] += x[pixel + c] * dy[out + co];
              }
            }
          }
  return { dx, dw };
}

/**
 * dx and dw of L = Σ conv(x, w) · r by central differences of the float64 reference. The
 * convolution is linear in each argument, so the differences are exact up to rounding.
 */
export function numericalGradients(
  info: tf.backend_util.Conv2DInfo,
  x: Float32Array,
  w: Float32Array,
  r: Float32Array,
  depthwise = false,
): { dx: Float64Array; dw: Float64Array } {
  const loss = (xs: ArrayLike<number>, ws: ArrayLike<number>) => {
    const y = referenceConv(info, xs, ws, depthwise);
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i] * r[i];
    return sum;
  };
  const derivative = (values: Float32Array, evaluate: (v: Float64Array) => number) => {
    const out = new Float64Array(values.length);
    const v = Float64Array.from(values);
    for (let i = 0; i < v.length; i++) {
      const keep = v[i];
      v[i] = keep + 0.5;
      const plus = evaluate(v);
      v[i] = keep - 0.5;
      const minus = evaluate(v);
      v[i] = keep;
      out[i] = plus - minus;
    }
    return out;
  };
  return {
    dx: derivative(x, (v) => loss(v, w)),
    dw: derivative(w, (v) => loss(x, v)),
  };
}

/** max |actual − expected| / max |expected|. */
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

/** `base` with 1×1, 3×3 and 7×7 filters, strides 1 and 2, `same` and `valid` padding. */
export function squareKernelGrid(base: ConvCase): ConvCase[] {
  return [1, 3, 7].flatMap((k) =>
    [1, 2].flatMap((stride) =>
      (['same', 'valid'] as const).map((padding) => ({
        ...base,
        kernel: [k, k] as [number, number],
        stride,
        padding,
      })),
    ),
  );
}
