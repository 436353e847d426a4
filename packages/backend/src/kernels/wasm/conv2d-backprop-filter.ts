import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import { type ConvAttrs, conv2dInfo, isChannelsLast } from '../shared/conv-info.js';
import { channelPlanes, im2colTransposed, patchGeometry, patchSize } from '../shared/im2col.js';
import { scratch } from '../shared/scratch.js';
import { filterGradientByTaps, tapGeometry } from './filter-gradient-by-taps.js';
import { isWideningPointwise, pointwiseFilterGradient } from './filter-gradient-pointwise.js';
import { heapView, sizeOf } from './heap.js';

/**
 * Output pixels (grid cells for the tap windows) per matrix product. XNNPACK streams all of B
 * (here dy) once per few rows of the product, so a chunk whose operands stay in cache is 2-3x
 * faster than one product over the whole batch.
 */
const CHUNK_PIXELS = 4096;
/** Caps the column buffer (float32 values) of a chunk. */
const DEFAULT_MAX_COLUMN_VALUES = 1024 * 1024;
/**
 * The tap windows multiply over a grid larger than dy by the filter's reach; above this ratio
 * of grid cells to dy pixels (a 3×3 filter on images of 14×14 and smaller) the wasted products
 * cost more than im2col's copies, measured at the ResNet shapes of `pnpm bench`.
 */
const MAX_GRID_OVERHEAD = 1.28;

/**
 * The filter gradient of a 2-D convolution on the WASM backend through XNNPACK's matrix multiply
 * (stock tfjs-backend-wasm has no such kernel: tensorflow/tfjs#8474): one product per filter
 * tap over windows of x (see tap-windows.ts), or, for small images, over im2col's columns;
 * widening 1×1 filters as dyᵀ · x (see filter-gradient-pointwise.ts).
 */
function conv2dBackpropFilterWasm(args: KernelArgs, maxColumnValues: number): tf.TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (!isChannelsLast(attrs)) {
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}.`);
  }
  const info = conv2dInfo(x.shape, attrs.filterShape, attrs);
  const pixelsPerImage = info.outHeight * info.outWidth;
  if (info.batchSize === 0 || pixelsPerImage === 0) {
    return backend.makeOutput(
      [...attrs.filterShape],
      'float32',
      undefined,
      new Float32Array(sizeOf(attrs.filterShape)),
    );
  }
  if (isWideningPointwise(info)) {
    return pointwiseFilterGradient(backend, x, dy, info, attrs.filterShape);
  }
  const taps = tapGeometry(info);
  const cellsPerImage = taps.rows.grid * taps.cols.grid;
  if (cellsPerImage <= MAX_GRID_OVERHEAD * pixelsPerImage) {
    const imagesPerChunk = Math.max(1, Math.floor(CHUNK_PIXELS / cellsPerImage));
    return filterGradientByTaps(backend, x, dy, info, attrs.filterShape, imagesPerChunk);
  }
  return byColumns(backend, x, dy, info, attrs.filterShape, maxColumnValues);
}

/**
 * The filter gradient as matrix products `im2col(x)ᵀ · dy`, chunk by chunk of images. The
 * columns are built already transposed, since only untransposed products take XNNPACK's fast
 * path.
 */
function byColumns(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: readonly number[],
  maxColumnValues: number,
): tf.TensorInfo {
  const geometry = patchGeometry(info);
  const rowLength = patchSize(geometry);
  const pixelsPerImage = info.outHeight * info.outWidth;
  const { batchSize: batch, outChannels } = info;
  const imagesPerChunk = Math.max(
    1,
    Math.min(
      batch,
      Math.floor(CHUNK_PIXELS / Math.max(1, pixelsPerImage)),
      Math.floor(maxColumnValues / Math.max(1, pixelsPerImage * rowLength)),
    ),
  );
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const planes = scratch(
    'channel-planes',
    x.shape.reduce((a, b) => a * b, 1),
  );
  channelPlanes(heapView(backend, x), batch, geometry, planes);

  let sum: Float32Array | undefined;
  for (let first = 0; first < batch; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, batch - first);
    const pixels = count * pixelsPerImage;
    const columns = backend.makeOutput([1, rowLength, pixels], 'float32');
    const wholeBatch = count === batch;
    // dy is batch-major, so a chunk of images is a contiguous block of it. Each chunk gets a
    // new tensor: XNNPACK caches its packed copy of B by tensor id.
    const gradients = wholeBatch
      ? { dataId: dy.dataId, shape: [1, pixels, outChannels], dtype: dy.dtype }
      : backend.makeOutput([1, pixels, outChannels], 'float32');
    // Views only after every allocation: growing the WASM heap detaches older views.
    im2colTransposed(planes, batch, geometry, first, count, heapView(backend, columns));
    if (!wholeBatch) {
      const start = first * pixelsPerImage * outChannels;
      heapView(backend, gradients).set(
        heapView(backend, dy).subarray(start, start + pixels * outChannels),
      );
    }
    const product = matMul({
      inputs: { a: columns, b: gradients },
      attrs: { transposeA: false, transposeB: false },
      backend: backend as unknown as tf.KernelBackend,
    }) as tf.TensorInfo;
    backend.disposeData(columns.dataId);
    if (!wholeBatch) backend.disposeData(gradients.dataId);
    if (wholeBatch) return { ...product, shape: [...filterShape] };

    const partial = heapView(backend, product);
    if (sum === undefined) sum = Float32Array.from(partial);
    else for (let i = 0; i < sum.length; i++) sum[i] += partial[i];
    backend.disposeData(product.dataId);
  }
  return backend.makeOutput([...filterShape], 'float32', undefined, sum);
}

/** The kernel's registration; a smaller `maxColumnValues` forces chunking (for tests). */
export function conv2dBackpropFilterWasmConfig(
  maxColumnValues = DEFAULT_MAX_COLUMN_VALUES,
): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ((args) =>
      conv2dBackpropFilterWasm(args as KernelArgs, maxColumnValues)) as tf.KernelFunc,
  };
}
