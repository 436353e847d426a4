import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  gridGradients,
  type TapGeometry,
  tapAxis,
  tapPlanes,
  tapPlanesSize,
  windowStart,
} from '../shared/tap-windows.js';
import { heapView, heapWindow, releaseHeapWindow } from './heap.js';

export function tapGeometry(info: tf.backend_util.Conv2DInfo): TapGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    lastRow: Math.min(
      info.inHeight - 1,
      (info.outHeight - 1) * info.strideHeight -
        info.padInfo.top +
        (info.filterHeight - 1) * info.dilationHeight,
    ),
    lastCol: Math.min(
      info.inWidth - 1,
      (info.outWidth - 1) * info.strideWidth -
        info.padInfo.left +
        (info.filterWidth - 1) * info.dilationWidth,
    ),
    rows: tapAxis(info.outHeight, info.filterHeight, info.strideHeight, info.dilationHeight),
    cols: tapAxis(info.outWidth, info.filterWidth, info.strideWidth, info.dilationWidth),
  };
}

/**
 * The filter gradient on `wasm` as one XNNPACK matrix product per filter tap and chunk of
 * `imagesPerChunk` images, each over a window of x's phase planes (see tap-windows.ts): x and
 * dy are rearranged once, where im2col would copy x kh·kw times. dy's chunk is the product's
 * packed operand, so XNNPACK packs it once for all taps (its operator cache is by tensor id).
 *
 * The other copy-free form, dW as one forward convolution of x (channels as batch) with dy as
 * its dilated filter, measured slower at most ResNet shapes: tfjs-backend-wasm's Conv2D
 * transposes and repacks a new filter, here all of dy, on every call.
 */
export function filterGradientByTaps(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: readonly number[],
  imagesPerChunk: number,
): tf.TensorInfo {
  const g = tapGeometry(info);
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const tapValues = inChannels * outChannels;
  const sum = new Float32Array(filterHeight * filterWidth * tapValues);
  for (let first = 0; first < g.batch; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, g.batch - first);
    const cells = count * g.rows.grid * g.cols.grid;
    const planes = backend.makeOutput([tapPlanesSize(g, count)], 'float32');
    const gradients = backend.makeOutput([1, cells, outChannels], 'float32');
    // Views only after the allocations: growing the WASM heap detaches older views.
    tapPlanes(heapView(backend, x), g, first, count, heapView(backend, planes));
    gridGradients(heapView(backend, dy), g, first, count, heapView(backend, gradients));
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const window = heapWindow(backend, planes, windowStart(g, count, kh, kw), [
          1,
          inChannels,
          cells,
        ]);
        const product = matMul({
          inputs: { a: window, b: gradients },
          attrs: { transposeA: false, transposeB: false },
          backend: backend as unknown as tf.KernelBackend,
        }) as tf.TensorInfo;
        releaseHeapWindow(backend, window);
        const partial = heapView(backend, product);
        const offset = (kh * filterWidth + kw) * tapValues;
        for (let i = 0; i < tapValues; i++) sum[offset + i] += partial[i];
        backend.disposeData(product.dataId);
      }
    }
    backend.disposeData(planes.dataId);
    backend.disposeData(gradients.dataId);
  }
  return backend.makeOutput([...filterShape], 'float32', undefined, sum);
}
