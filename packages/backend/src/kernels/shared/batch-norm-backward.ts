/**
 * A kernel of ours (tfjs has none by this name): all five gradients of FusedBatchNorm at once.
 * Inputs x, dy, mean, variance and optionally scale (`[channels]`, x's last axis); attribute
 * varianceEpsilon; outputs dx, dMean, dVariance, dScale, dOffset.
 */
export const BATCH_NORM_GRAD = 'ResidualFusedBatchNormGrad';

/**
 * The batch-norm gradient over rows of `channels` values (the two passes of the native kernel,
 * in JavaScript): dx = (dy · invStd) · scale, and per channel Σ dy and Σ dy · (x − mean),
 * accumulated in float64 in row order.
 */
export function batchNormBackward(
  x: Float32Array,
  dy: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  scale: Float32Array | null,
  dx: Float32Array,
  sumDy: Float32Array,
  sumDyCentered: Float32Array,
  channels: number,
): void {
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  for (let row = 0; row < x.length; row += channels) {
    for (let c = 0; c < channels; c++) {
      const i = row + c;
      const g = dy[i];
      a[c] += g;
      b[c] += g * (x[i] - mean[c]);
      const d = Math.fround(g * invStd[c]);
      dx[i] = scale === null ? d : d * scale[c];
    }
  }
  sumDy.set(a);
  sumDyCentered.set(b);
}

/**
 * The five gradients of FusedBatchNorm from the pass's sums (what tfjs's gradient computes
 * with fourteen full-size ops): with s = scale (or 1) and i = invStd per channel,
 * dMean = −i·s·Σdy, dVariance = −½·i³·s·Σdy(x − mean), dScale = i·Σdy(x − mean), dOffset = Σdy.
 */
export function batchNormParameterGradients(
  invStd: Float32Array,
  scale: Float32Array | null,
  sumDy: Float32Array,
  sumDyCentered: Float32Array,
): { mean: Float32Array; variance: Float32Array; scale: Float32Array; offset: Float32Array } {
  const channels = invStd.length;
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  const dScale = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const i = invStd[c];
    const s = scale === null ? 1 : scale[c];
    mean[c] = -i * s * sumDy[c];
    variance[c] = -0.5 * i * i * i * s * sumDyCentered[c];
    dScale[c] = i * sumDyCentered[c];
  }
  return { mean, variance, scale: dScale, offset: Float32Array.from(sumDy) };
}

/** 1 / √(variance + epsilon) in float32, as tfjs's rsqrt(variance + epsilon) computes it. */
export function inverseStd(variance: Float32Array, epsilon: number): Float32Array {
  return variance.map((v) => Math.fround(1 / Math.fround(Math.sqrt(Math.fround(v + epsilon)))));
}
