/** tfjs's kernel name for the gradient of `tf.image.resizeNearestNeighbor`. */
export const RESIZE_NEAREST_NEIGHBOR_GRAD = 'ResizeNearestNeighborGrad';

export interface ResizeNearestNeighborGradAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/**
 * dx of a nearest-neighbour resize: each output pixel's gradient in `dy` [batch, outHeight,
 * outWidth, channels] added to the input pixel the forward kernel copied it from, in `dx`
 * [batch, inHeight, inWidth, channels] (zeroed here). The source of each output pixel follows
 * tfjs's forward kernels exactly, `alignCorners` and `halfPixelCenters` included.
 */
export function resizeNearestNeighborBackward(
  dy: Float32Array,
  dx: Float32Array,
  inShape: readonly number[],
  outSize: readonly [number, number],
  attrs: ResizeNearestNeighborGradAttrs,
): void {
  const [batch, inHeight, inWidth, channels] = inShape;
  const [outHeight, outWidth] = outSize;
  const rowSource = sourceIndices(inHeight, outHeight, attrs);
  const colSource = sourceIndices(inWidth, outWidth, attrs);
  dx.fill(0);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      const row = (b * inHeight + rowSource[r]) * inWidth;
      for (let c = 0; c < outWidth; c++) {
        const to = (row + colSource[c]) * channels;
        for (let d = 0; d < channels; d++) dx[to + d] += dy[at++];
      }
    }
  }
}

/** For each output index along one axis, the input index the forward kernel copies from. */
export function sourceIndices(
  inSize: number,
  outSize: number,
  { alignCorners, halfPixelCenters }: ResizeNearestNeighborGradAttrs,
): Int32Array {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const source = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const fraction = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    const nearest = Math.min(
      inSize - 1,
      alignCorners ? Math.round(fraction) : Math.floor(fraction),
    );
    source[o] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return source;
}
