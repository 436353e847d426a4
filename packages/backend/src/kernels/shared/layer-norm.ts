/**
 * A kernel of ours: layer normalisation over the last axis, y = (x − mean)·invStd·γ + β per row.
 * Inputs x and optionally gamma and beta (`[width]`); attribute epsilon; outputs y and each row's
 * mean and invStd (`[rows]`, for the gradient).
 */
export const LAYER_NORM = 'ResidualLayerNorm';

/**
 * A kernel of ours: the whole gradient of {@link LAYER_NORM}, through each row's statistics.
 * Inputs x, dy, mean, invStd and optionally gamma; outputs dx, dGamma and dBeta (`[width]`).
 */
export const LAYER_NORM_GRAD = 'ResidualLayerNormGrad';

/** Rows of `width` values: statistics in float64, two passes (mean, then centred squares). */
export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  width: number,
  y: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
): void {
  const rows = mean.length;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let sum = 0;
    for (let c = 0; c < width; c++) sum += x[base + c];
    const mu = sum / width;
    let squares = 0;
    for (let c = 0; c < width; c++) {
      const d = x[base + c] - mu;
      squares += d * d;
    }
    const rstd = 1 / Math.sqrt(squares / width + epsilon);
    mean[r] = mu;
    invStd[r] = rstd;
    for (let c = 0; c < width; c++) {
      let value = (x[base + c] - mu) * rstd;
      if (gamma !== null) value *= gamma[c];
      if (beta !== null) value += beta[c];
      y[base + c] = value;
    }
  }
}

/**
 * With x̂ = (x − mean)·invStd and g = dy·γ, per row: dx = invStd·(g − mean(g) − x̂·mean(g·x̂));
 * over rows: dγ = Σ dy·x̂, dβ = Σ dy (accumulated in float64, rows in order).
 */
export function layerNormBackward(
  x: Float32Array,
  dy: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array | null,
  width: number,
  dx: Float32Array,
  dGamma: Float32Array,
  dBeta: Float32Array,
): void {
  const rows = mean.length;
  const sumGamma = new Float64Array(width);
  const sumBeta = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    const mu = mean[r];
    const rstd = invStd[r];
    let sumG = 0;
    let sumGXHat = 0;
    for (let c = 0; c < width; c++) {
      const d = dy[base + c];
      const xHat = (x[base + c] - mu) * rstd;
      const g = gamma === null ? d : d * gamma[c];
      sumG += g;
      sumGXHat += g * xHat;
      sumGamma[c] += d * xHat;
      sumBeta[c] += d;
    }
    const meanG = sumG / width;
    const meanGXHat = sumGXHat / width;
    for (let c = 0; c < width; c++) {
      const d = dy[base + c];
      const xHat = (x[base + c] - mu) * rstd;
      const g = gamma === null ? d : d * gamma[c];
      dx[base + c] = rstd * (g - meanG - xHat * meanGXHat);
    }
  }
  for (let c = 0; c < width; c++) {
    dGamma[c] = sumGamma[c];
    dBeta[c] = sumBeta[c];
  }
}
