import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStockKernel } from '../kernel-overrides.js';
import { heapView, heapWindow, releaseHeapWindow } from './heap.js';

/** Pixels per matrix product, about: the operands of one product stay in cache. */
const CHUNK_PIXELS = 4000;

/**
 * Whether {@link pointwiseFilterGradient} computes this gradient: a 1×1 filter that reads
 * every input pixel once (stride 1, no padding) and widens the channels. Every pixel of x is
 * then one row of the product, in dy's order.
 */
export function isWideningPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outChannels > info.inChannels
  );
}

/**
 * The filter gradient of a widening 1×1 convolution (ResNet's bottleneck expansions, 64 → 256)
 * on `wasm`, as `dWᵀ = dyᵀ · x` chunk by chunk of pixels. XNNPACK packs its right operand anew
 * for every tensor; making x that operand, read in place, packs `inChannels` values per pixel
 * instead of dy's `outChannels` (`xᵀ · dy` spent 40% of its time packing dy at 64 → 256).
 * dy's chunk is transposed by the stock kernel.
 */
export function pointwiseFilterGradient(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: readonly number[],
): tf.TensorInfo {
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const { inChannels, outChannels } = info;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const sum = new Float32Array(inChannels * outChannels);
  // An odd count: the transpose writes rows `count` values apart, and at a multiple of 128
  // (4096) every row maps to the same cache sets: 20x slower.
  const chunks = Math.ceil(pixels / CHUNK_PIXELS);
  const perChunk = Math.ceil(pixels / chunks) | 1;
  for (let first = 0; first < pixels; first += perChunk) {
    const count = Math.min(perChunk, pixels - first);
    const gradients = heapWindow(backend, dy, first * outChannels, [count, outChannels]);
    const transposed = runStockKernel(tf.Transpose, 'wasm', {
      inputs: { x: gradients },
      backend: backend as unknown as tf.KernelBackend,
      attrs: { perm: [1, 0] },
    }) as tf.TensorInfo;
    releaseHeapWindow(backend, gradients);
    const inputs = heapWindow(backend, x, first * inChannels, [1, count, inChannels]);
    const product = matMul({
      inputs: { a: { ...transposed, shape: [1, outChannels, count] }, b: inputs },
      attrs: { transposeA: false, transposeB: false },
      backend: backend as unknown as tf.KernelBackend,
    }) as tf.TensorInfo;
    releaseHeapWindow(backend, inputs);
    backend.disposeData(transposed.dataId);
    // The product is dWᵀ: [outChannels, inChannels].
    const partial = heapView(backend, product);
    for (let co = 0; co < outChannels; co++) {
      for (let ci = 0; ci < inChannels; ci++) {
        sum[ci * outChannels + co] += partial[co * inChannels + ci];
      }
    }
    backend.disposeData(product.dataId);
  }
  return backend.makeOutput([...filterShape], 'float32', undefined, sum);
}
