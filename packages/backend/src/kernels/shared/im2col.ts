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
  // Blocks of pixels keep the reads in cache while each plane is written contiguously.
  const block = 256;
  for (let p0 = 0; p0 < pixels; p0 += block) {
    const p1 = Math.min(pixels, p0 + block);
    for (let c = 0; c < channels; c++) {
      const plane = c * pixels;
      for (let p = p0; p < p1; p++) planes[plane + p] = input[p * channels + c];
    }
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
  const { outWidth, inWidth, strideWidth } = g;
  let dst = 0;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      // Output columns whose input column is inside the image: [owStart, owEnd).
      const iwStart = kw * g.dilationWidth - g.padLeft;
      const owStart = Math.min(outWidth, Math.max(0, Math.ceil(-iwStart / strideWidth)));
      const owEnd = Math.max(
        owStart,
        Math.min(outWidth, Math.ceil((inWidth - iwStart) / strideWidth)),
      );
      for (let c = 0; c < g.inChannels; c++) {
        const plane = c * planeSize;
        for (let n = firstImage; n < firstImage + imageCount; n++) {
          const image = plane + n * imageSize;
          for (let oh = 0; oh < g.outHeight; oh++) {
            const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
            if (ih < 0 || ih >= g.inHeight) {
              columns.fill(0, dst, dst + outWidth);
              dst += outWidth;
              continue;
            }
            const row = image + ih * inWidth + iwStart;
            for (let ow = 0; ow < owStart; ow++) columns[dst + ow] = 0;
            if (strideWidth === 1) {
              for (let ow = owStart; ow < owEnd; ow++) columns[dst + ow] = planes[row + ow];
            } else {
              for (let ow = owStart; ow < owEnd; ow++) {
                columns[dst + ow] = planes[row + ow * strideWidth];
              }
            }
            for (let ow = owEnd; ow < outWidth; ow++) columns[dst + ow] = 0;
            dst += outWidth;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds every row of `columns` (images `[firstImage, firstImage +
 * imageCount)`) back onto the input pixels it was read from. With `columns = dy · filterᵀ`,
 * this is the convolution's input gradient.
 */
export function col2im(
  columns: Float32Array,
  g: PatchGeometry,
  firstImage: number,
  imageCount: number,
  output: Float32Array,
): void {
  const channels = g.inChannels;
  const imageSize = g.inHeight * g.inWidth * channels;
  const rowStride = g.inWidth * channels;
  let src = 0;
  for (let n = firstImage; n < firstImage + imageCount; n++) {
    const imageStart = n * imageSize;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ihOrigin = oh * g.strideHeight - g.padTop;
      for (let ow = 0; ow < g.outWidth; ow++) {
        const iwOrigin = ow * g.strideWidth - g.padLeft;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = ihOrigin + kh * g.dilationHeight;
          const rowInside = ih >= 0 && ih < g.inHeight;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = iwOrigin + kw * g.dilationWidth;
            if (rowInside && iw >= 0 && iw < g.inWidth) {
              const dst = imageStart + ih * rowStride + iw * channels;
              for (let c = 0; c < channels; c++) output[dst + c] += columns[src + c];
            }
            src += channels;
          }
        }
      }
    }
  }
}
