/**
 * Sums `input`, seen as `[outer, reduce, inner]`, over its middle axis into `output`
 * (`[outer, inner]`), accumulating in float64 in a fixed order, then scales by `scale` (1 for a
 * sum, 1/reduce for a mean). Reducing the leading axes of an NHWC tensor (every batch-norm
 * statistic and gradient) is `outer = 1`, `inner = channels`: one pass over contiguous memory,
 * where the stock WASM kernels first transpose the whole tensor.
 */
export function reduceMiddleAxis(
  input: Float32Array,
  outer: number,
  reduce: number,
  inner: number,
  output: Float32Array,
  scale: number,
  accumulator: Float64Array = new Float64Array(inner),
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * reduce * inner;
    if (inner === 1) {
      let sum = 0;
      for (let r = 0; r < reduce; r++) sum += input[base + r];
      output[o] = sum * scale;
      continue;
    }
    accumulator.fill(0, 0, inner);
    for (let r = 0; r < reduce; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) accumulator[i] += input[row + i];
    }
    for (let i = 0; i < inner; i++) output[o * inner + i] = accumulator[i] * scale;
  }
}

/**
 * `[outer, reduce, inner]` when `axes` (sorted, non-negative) are consecutive axes of `shape`,
 * else undefined.
 */
export function middleAxisShape(
  shape: readonly number[],
  axes: readonly number[],
): [number, number, number] | undefined {
  if (axes.length === 0) return undefined;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return undefined;
  const first = axes[0];
  const last = axes[axes.length - 1];
  const product = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return [product(0, first), product(first, last + 1), product(last + 1, shape.length)];
}
