/**
 * A kernel of ours: causal softmax of attention scores x `[..., length, length]`: row t of each
 * matrix is softmax(scale · x[s]) over keys s ≤ t and 0 for s > t. Attribute scale; output y.
 */
export const CAUSAL_SOFTMAX = 'ResidualCausalSoftmax';

/** A kernel of ours: its gradient, dx = scale · y · (dy − Σ y·dy) per row. Inputs y, dy. */
export const CAUSAL_SOFTMAX_GRAD = 'ResidualCausalSoftmaxGrad';

export function causalSoftmaxForward(
  x: Float32Array,
  y: Float32Array,
  length: number,
  scale: number,
): void {
  const rows = length === 0 ? 0 : x.length / length;
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    const valid = (r % length) + 1;
    let max = -Infinity;
    for (let s = 0; s < valid; s++) max = Math.max(max, scale * x[base + s]);
    let sum = 0;
    for (let s = 0; s < valid; s++) {
      const e = Math.exp(scale * x[base + s] - max);
      y[base + s] = e;
      sum += e;
    }
    for (let s = 0; s < valid; s++) y[base + s] /= sum;
    y.fill(0, base + valid, base + length);
  }
}

export function causalSoftmaxBackward(
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  length: number,
  scale: number,
): void {
  const rows = length === 0 ? 0 : y.length / length;
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    const valid = (r % length) + 1;
    let dot = 0;
    for (let s = 0; s < valid; s++) dot += y[base + s] * dy[base + s];
    for (let s = 0; s < valid; s++) dx[base + s] = scale * y[base + s] * (dy[base + s] - dot);
    dx.fill(0, base + valid, base + length);
  }
}
