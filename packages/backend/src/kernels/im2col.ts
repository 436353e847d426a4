/**
 * The geometry of a 2-D convolution over NHWC images, in the terms im2col needs. Built from
 * tfjs's `Conv2DInfo` by {@link patchGeometry}.
 */
export interface PatchGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

export function patchGeometry(info: {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number };
}): PatchGeometry {
  return {
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Number of values in one im2col row: one receptive field, in filter order (kh, kw, cin). */
export function patchSize(g: PatchGeometry): number {
  return g.filterHeight * g.filterWidth * g.inChannels;
}

/**
 * Writes one row per output pixel of images `[firstImage, firstImage + imageCount)` into
 * `columns`; each row holds the receptive field of that pixel in (kh, kw, cin) order, zeros
 * where it falls into the padding. With this order, `columnsᵀ · dy` is the filter gradient in
 * tfjs's [kh, kw, cin, cout] layout, and `columns · filter` is the forward convolution.
 */
export function im2col(
  input: Float32Array,
  g: PatchGeometry,
  firstImage: number,
  imageCount: number,
  columns: Float32Array,
): void {
  const channels = g.inChannels;
  const rowLength = patchSize(g);
  const imageSize = g.inHeight * g.inWidth * channels;
  const rowStride = g.inWidth * channels;
  let rowStart = 0;
  for (let n = firstImage; n < firstImage + imageCount; n++) {
    const imageStart = n * imageSize;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ihOrigin = oh * g.strideHeight - g.padTop;
      for (let ow = 0; ow < g.outWidth; ow++) {
        const iwOrigin = ow * g.strideWidth - g.padLeft;
        let dst = rowStart;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = ihOrigin + kh * g.dilationHeight;
          const rowInside = ih >= 0 && ih < g.inHeight;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = iwOrigin + kw * g.dilationWidth;
            if (rowInside && iw >= 0 && iw < g.inWidth) {
              const src = imageStart + ih * rowStride + iw * channels;
              for (let c = 0; c < channels; c++) columns[dst + c] = input[src + c];
            } else {
              columns.fill(0, dst, dst + channels);
            }
            dst += channels;
          }
        }
        rowStart += rowLength;
      }
    }
  }
}
