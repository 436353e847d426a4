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

/** Number of values in one receptive field, in filter order (kh, kw, cin). */
export function patchSize(g: PatchGeometry): number {
  return g.filterHeight * g.filterWidth * g.inChannels;
}

/**
 * Writes one row per output pixel of images `[firstImage, firstImage + imageCount)` into
 * `columns`; each row holds the receptive field of that pixel in (kh, kw, cin) order, zeros
 * where it falls into the padding. `columns · filter` is the forward convolution (tfjs's
 * `[kh, kw, cin, cout]` filter is that matrix).
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

/**
 * x `[batch, h, w, c]` → `[c, batch, h, w]`: every channel a contiguous plane, so that
 * {@link im2colTransposed} copies rows instead of gathering one value per pixel.
 */
export function channelPlanes(
  input: Float32Array,
  batch: number,
  g: PatchGeometry,
  planes: Float32Array,
): void {
  const channels = g.inChannels;
  const pixels = batch * g.inHeight * g.inWidth;
  for (let p = 0; p < pixels; p++) {
    const src = p * channels;
    for (let c = 0; c < channels; c++) planes[c * pixels + p] = input[src + c];
  }
}

/**
 * The transpose of {@link im2col} for images `[firstImage, firstImage + imageCount)`: one row
 * per (kh, kw, cin) holding that input value for every output pixel of the chunk, read from
 * {@link channelPlanes}. `columnsᵀ · dy` is then a plain matrix product, the layout XNNPACK
 * multiplies fast (the stock wasm BatchMatMul transposes with a slow loop).
 */
export function im2colTransposed(
  planes: Float32Array,
  batch: number,
  g: PatchGeometry,
  firstImage: number,
  imageCount: number,
  columns: Float32Array,
): void {
  const planeSize = batch * g.inHeight * g.inWidth;
  const imageSize = g.inHeight * g.inWidth;
  const rowLength = imageCount * g.outHeight * g.outWidth;
  let dst = 0;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      for (let c = 0; c < g.inChannels; c++) {
        const plane = c * planeSize;
        for (let n = firstImage; n < firstImage + imageCount; n++) {
          const image = plane + n * imageSize;
          for (let oh = 0; oh < g.outHeight; oh++) {
            const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
            if (ih < 0 || ih >= g.inHeight) {
              columns.fill(0, dst, dst + g.outWidth);
              dst += g.outWidth;
              continue;
            }
            const row = image + ih * g.inWidth;
            const iwStart = kw * g.dilationWidth - g.padLeft;
            for (let ow = 0; ow < g.outWidth; ow++) {
              const iw = iwStart + ow * g.strideWidth;
              columns[dst++] = iw >= 0 && iw < g.inWidth ? planes[row + iw] : 0;
            }
          }
        }
      }
    }
  }
  if (dst !== rowLength * patchSize(g)) throw new Error('im2colTransposed: size mismatch');
}
