/** A kernel of ours: GELU, x·Φ(x) with the exact (erf) Φ. Input x; output y. */
export const GELU = 'ResidualGelu';

/** A kernel of ours: GELU's gradient, dy·(Φ(x) + x·φ(x)). Inputs x and dy; output dx. */
export const GELU_GRAD = 'ResidualGeluGrad';

// Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), the erf tfjs's own kernels compute.
const P = 0.3275911;
const A1 = 0.254829592;
const A2 = -0.284496736;
const A3 = 1.421413741;
const A4 = -1.453152027;
const A5 = 1.061405429;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x) = ½(1 + erf(x/√2)) given e = exp(−x²/2), which is also φ(x)·√(2π). */
function cdf(x: number, e: number): number {
  const u = Math.abs(x) * INV_SQRT2;
  const t = 1 / (1 + P * u);
  const erf = 1 - ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t * e;
  return 0.5 * (1 + (x < 0 ? -erf : erf));
}

/** y = x·Φ(x), in float64 per element, rounded once. */
export function geluForward(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    y[i] = xi * cdf(xi, Math.exp(-0.5 * xi * xi));
  }
}

/** dx = dy·(Φ(x) + x·φ(x)), one exp per element shared by Φ and φ. */
export function geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const e = Math.exp(-0.5 * xi * xi);
    dx[i] = dy[i] * (cdf(xi, e) + xi * e * INV_SQRT_2PI);
  }
}
