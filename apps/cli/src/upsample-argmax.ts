/**
 * The most probable class of each pixel of a height×width image, from logits of a smaller (or
 * equal) grid: `logits` is rows×columns×classes, resized bilinearly with half-pixel centres (as
 * `tf.image.resizeBilinear(…, halfPixelCenters)` and PyTorch's `interpolate(align_corners=False)`)
 * one output row at a time, so a photo of many megapixels never holds its full logits in memory.
 * Ties go to the lower class, as `argMax`.
 */
export function upsampleArgmax(
  logits: Float32Array,
  rows: number,
  columns: number,
  classes: number,
  height: number,
  width: number,
): Uint8Array {
  const mask = new Uint8Array(height * width);
  const xs = Array.from({ length: width }, (_, x) => source(x, columns / width, columns));
  const row = new Float32Array(columns * classes);
  for (let y = 0; y < height; y++) {
    const { low: y0, high: y1, weight: fy } = source(y, rows / height, rows);
    // This output row's logits on the logits' own columns.
    for (let i = 0; i < columns * classes; i++) {
      const top = logits[y0 * columns * classes + i];
      row[i] = top + (logits[y1 * columns * classes + i] - top) * fy;
    }
    for (let x = 0; x < width; x++) {
      const { low: x0, high: x1, weight: fx } = xs[x];
      let best = 0;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        const left = row[x0 * classes + c];
        const value = left + (row[x1 * classes + c] - left) * fx;
        if (value > bestValue) {
          bestValue = value;
          best = c;
        }
      }
      mask[y * width + x] = best;
    }
  }
  return mask;
}

/** The two source indices an output index reads and the weight of the second. */
function source(index: number, scale: number, size: number) {
  const at = Math.max((index + 0.5) * scale - 0.5, 0);
  const low = Math.min(Math.floor(at), size - 1);
  return { low, high: Math.min(low + 1, size - 1), weight: at - low };
}
