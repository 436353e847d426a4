import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, heapWindow, releaseHeapWindow } from './heap.js';

/** Output pixels per matrix product: its columns (about 2 MB for a 7×7 stem) stay in cache. */
const CHUNK_PIXELS = 4000;

/**
 * Whether {@link inputGradientByColumns} computes this gradient: few input channels (an image
 * stem's 3) and a filter large enough that its columns fill XNNPACK's tiles.
 */
export function hasFewInputChannels(info: tf.backend_util.Conv2DInfo): boolean {
  const columns = info.filterHeight * info.filterWidth * info.inChannels;
  return info.inChannels <= 4 && columns >= 32;
}

/**
 * The input gradient of a convolution with few input channels on `wasm`, as `dcol = dy · wᵀ`
 * (one XNNPACK product per chunk of output pixels, a column per filter tap and input channel)
 * then col2im in JavaScript. Per stride phase (the general path) each forward convolution would
 * have 3 output channels and fill 3 of XNNPACK's 8 columns; the 7×7/2 stem of ResNet-50 ran at a
 * third of its forward speed.
 */
export function inputGradientByColumns(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  inputShape: readonly number[],
): tf.TensorInfo {
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const columns = filterHeight * filterWidth * inChannels;
  // The filter [taps · inChannels, outChannels] seen as the product's right operand, transposed:
  // [outChannels, columns]. One tensor for every chunk, so XNNPACK packs it once.
  const filterValues = heapView(backend, filter);
  const transposed = new Float32Array(outChannels * columns);
  for (let n = 0; n < columns; n++) {
    for (let co = 0; co < outChannels; co++) {
      transposed[co * columns + n] = filterValues[n * outChannels + co];
    }
  }
  const weights = backend.makeOutput([1, outChannels, columns], 'float32', undefined, transposed);
  const dx = backend.makeOutput([...inputShape], 'float32');
  heapView(backend, dx).fill(0);
  const pixelsPerImage = info.outHeight * info.outWidth;
  const pixels = info.batchSize * pixelsPerImage;
  for (let first = 0; first < pixels; first += CHUNK_PIXELS) {
    const count = Math.min(CHUNK_PIXELS, pixels - first);
    const gradients = heapWindow(backend, dy, first * outChannels, [1, count, outChannels]);
    const dcol = matMul({
      inputs: { a: gradients, b: weights },
      attrs: { transposeA: false, transposeB: false },
      backend: backend as unknown as tf.KernelBackend,
    }) as tf.TensorInfo;
    releaseHeapWindow(backend, gradients);
    // Views after the product's allocation (it may grow the heap).
    col2im(heapView(backend, dcol), first, count, info, heapView(backend, dx));
    backend.disposeData(dcol.dataId);
  }
  backend.disposeData(weights.dataId);
  return dx;
}

/**
 * Adds the columns of output pixels [first, first + count) to dx: pixel (n, oy, ox)'s column
 * (ky, kx, ci) goes to dx[n, oy·sh − top + ky·dh, ox·sw − left + kx·dw, ci]. Along a filter row
 * of an undilated filter the targets are one contiguous run of dx.
 */
function col2im(
  dcol: Float32Array,
  first: number,
  count: number,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const columns = filterHeight * filterWidth * inChannels;
  const rowColumns = filterWidth * inChannels;
  for (let p = first; p < first + count; p++) {
    const n = Math.floor(p / (outHeight * outWidth));
    const rest = p - n * outHeight * outWidth;
    const oy = Math.floor(rest / outWidth);
    const ox = rest - oy * outWidth;
    const x0 = ox * strideWidth - left;
    const source = (p - first) * columns;
    for (let ky = 0; ky < filterHeight; ky++) {
      const iy = oy * strideHeight - top + ky * dilationHeight;
      if (iy < 0 || iy >= inHeight) continue;
      const rowStart = (n * inHeight + iy) * inWidth;
      const tapRow = source + ky * rowColumns;
      if (dilationWidth === 1) {
        const lo = Math.max(0, -x0) * inChannels;
        const hi = Math.min(filterWidth, inWidth - x0) * inChannels;
        const target = (rowStart + x0) * inChannels;
        for (let j = lo; j < hi; j++) dx[target + j] += dcol[tapRow + j];
        continue;
      }
      for (let kx = 0; kx < filterWidth; kx++) {
        const ix = x0 + kx * dilationWidth;
        if (ix < 0 || ix >= inWidth) continue;
        const target = (rowStart + ix) * inChannels;
        for (let c = 0; c < inChannels; c++) dx[target + c] += dcol[tapRow + kx * inChannels + c];
      }
    }
  }
}
