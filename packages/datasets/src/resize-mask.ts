/**
 * Resizes a mask (H×W class indices) to `height`×`width` by nearest neighbour, sampling at
 * pixel centres: a class index cannot be interpolated, and a resize to the same size is exact.
 */
export function resizeNearest(
  values: Uint8Array,
  sourceHeight: number,
  sourceWidth: number,
  height: number,
  width: number,
): Uint8Array {
  if (sourceHeight === height && sourceWidth === width) return values;
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.floor(((y + 0.5) * sourceHeight) / height), sourceHeight - 1);
    for (let x = 0; x < width; x++) {
      const sourceX = Math.min(Math.floor(((x + 0.5) * sourceWidth) / width), sourceWidth - 1);
      out[y * width + x] = values[sourceY * sourceWidth + sourceX];
    }
  }
  return out;
}
