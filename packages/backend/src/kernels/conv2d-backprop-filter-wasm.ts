import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2col, patchGeometry, patchSize } from './im2col.js';

/** Caps the im2col buffer (float32 values) so large batches are processed in chunks. */
const DEFAULT_MAX_COLUMN_VALUES = 16 * 1024 * 1024;

/**
 * The filter gradient of a 2-D convolution as one matrix product, `im2col(x)ᵀ · dy`, run by the
 * WASM backend's XNNPACK-backed BatchMatMul. Stock tfjs-backend-wasm has no such kernel.
 */
function conv2dBackpropFilterWasm(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
  maxColumnValues: number,
): tf.TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}.`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const geometry = patchGeometry(info);
  const rowLength = patchSize(geometry);
  const rowsPerImage = info.outHeight * info.outWidth;
  const outChannels = info.outChannels;
  const batch = info.batchSize;
  const imagesPerChunk = Math.max(
    1,
    Math.min(batch, Math.floor(maxColumnValues / (rowsPerImage * rowLength))),
  );
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;

  let sum: Float32Array | undefined;
  for (let first = 0; first < batch; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, batch - first);
    const rows = count * rowsPerImage;
    const columns = backend.makeOutput([1, rows, rowLength], 'float32');
    const wholeBatch = count === batch;
    // dy is batch-major, so a chunk of images is a contiguous block of it.
    const gradients = wholeBatch
      ? { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: dy.dtype }
      : backend.makeOutput([1, rows, outChannels], 'float32');
    // Views are taken after every allocation: growing the WASM heap detaches older views.
    im2col(
      backend.typedArrayFromHeap(x) as Float32Array,
      geometry,
      first,
      count,
      backend.typedArrayFromHeap(columns) as Float32Array,
    );
    if (!wholeBatch) {
      const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
      const start = first * rowsPerImage * outChannels;
      (backend.typedArrayFromHeap(gradients) as Float32Array).set(
        dyValues.subarray(start, start + rows * outChannels),
      );
    }
    const product = matMul({
      inputs: { a: columns, b: gradients },
      attrs: { transposeA: true, transposeB: false },
      backend: args.backend,
    }) as tf.TensorInfo;
    backend.disposeData(columns.dataId);
    if (!wholeBatch) backend.disposeData(gradients.dataId);
    if (wholeBatch) return { ...product, shape: [...attrs.filterShape] };

    const partial = backend.typedArrayFromHeap(product) as Float32Array;
    if (sum === undefined) sum = Float32Array.from(partial);
    else for (let i = 0; i < sum.length; i++) sum[i] += partial[i];
    backend.disposeData(product.dataId);
  }
  return backend.makeOutput([...attrs.filterShape], 'float32', undefined, sum);
}

/** The kernel's registration; a smaller `maxColumnValues` forces chunking (for tests). */
export function conv2dBackpropFilterWasmConfig(
  maxColumnValues = DEFAULT_MAX_COLUMN_VALUES,
): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ((args) =>
      conv2dBackpropFilterWasm(
        args as Parameters<typeof conv2dBackpropFilterWasm>[0],
        maxColumnValues,
      )) as tf.KernelFunc,
  };
}
