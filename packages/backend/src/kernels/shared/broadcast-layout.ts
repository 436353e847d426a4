/**
 * How one input of a broadcasting binary op is read over the output seen as `[rows, cols]`
 * (`cols` = the output's last axis): `[rowStride, colStride]`, or undefined for a broadcast
 * that is none of the common kinds (whole tensor, scalar, vector along the last axis, one
 * value per row).
 */
export function broadcastLayout(
  shape: readonly number[],
  outShape: readonly number[],
): [number, number] | undefined {
  const cols = outShape.length === 0 ? 1 : outShape[outShape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  if (size === outSize) return [cols, 1];
  if (size === 1) return [0, 0];
  // Right-align the shape with the output's.
  const aligned = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  const last = aligned.length - 1;
  if (aligned[last] === cols && size === cols) return [0, 1];
  if (aligned[last] === 1 && aligned.slice(0, last).every((d, i) => d === outShape[i])) {
    return [1, 0];
  }
  return undefined;
}

/** The shape two broadcasting inputs produce. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out[i] = da === 1 ? db : da;
  }
  return out;
}
