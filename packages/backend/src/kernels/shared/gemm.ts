/**
 * Matrix products in plain JavaScript for the `cpu` backend, row-major, accumulating into `c`.
 * The inner loop runs along a contiguous row of B and C, which V8 compiles to a tight loop:
 * 1-2 GFLOP/s, against 0.01-0.5 for the stock cpu convolution gradients.
 */

/** c[m, n] += Σ_k a[m, k] · b[k, n]; a is `[rows, depth]`, b `[depth, cols]`, c `[rows, cols]`. */
export function gemm(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  rows: number,
  depth: number,
  cols: number,
): void {
  for (let m = 0; m < rows; m++) {
    const cRow = m * cols;
    const aRow = m * depth;
    for (let k = 0; k < depth; k++) {
      const value = a[aRow + k];
      if (value === 0) continue;
      const bRow = k * cols;
      for (let n = 0; n < cols; n++) c[cRow + n] += value * b[bRow + n];
    }
  }
}

/** c[k, n] += Σ_m a[m, k] · b[m, n]: the product aᵀ · b, a `[rows, depth]`, b `[rows, cols]`. */
export function gemmTransposedA(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  rows: number,
  depth: number,
  cols: number,
): void {
  for (let m = 0; m < rows; m++) {
    const aRow = m * depth;
    const bRow = m * cols;
    for (let k = 0; k < depth; k++) {
      const value = a[aRow + k];
      if (value === 0) continue;
      const cRow = k * cols;
      for (let n = 0; n < cols; n++) c[cRow + n] += value * b[bRow + n];
    }
  }
}
