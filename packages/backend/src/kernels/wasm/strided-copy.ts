import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import {
  isSubsampling,
  maxPoolBackprop,
  poolInfo,
  sliceInto,
  unpoolOneByOne,
} from '../shared/strided-copy.js';
import { sizeOf } from './heap.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

export function slice(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.SliceAttrs;
  if (x.dtype === 'string') return runStockKernel(tf.Slice, 'wasm', args);
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  const backend = args.backend as unknown as BackendWasm;
  const out = backend.makeOutput(size, x.dtype);
  if (sizeOf(size) > 0) {
    sliceInto(
      backend.typedArrayFromHeap(x) as HeapArray,
      x.shape,
      begin,
      size,
      backend.typedArrayFromHeap(out) as HeapArray,
    );
  }
  return out;
}

/**
 * Splits `x` along an axis into pieces, each a `Slice` by whichever kernel `wasm` has registered
 * (the native copy where the addon is loaded). The stock `SplitV` calls the stock slice
 * directly, computing an index per element: the gradient of a U-Net's skip concatenation
 * splits a whole feature map by channels.
 */
export function splitV(args: KernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, splitAxis);
  const sliceKernel = tf.getKernel(tf.Slice, 'wasm')?.kernelFunc ?? slice;
  const begin = x.shape.map(() => 0);
  return sizes.map((length) => {
    const size = [...x.shape];
    size[splitAxis] = length;
    const piece = sliceKernel({
      inputs: { x },
      attrs: { begin: [...begin], size },
      backend: args.backend,
    }) as tf.TensorInfo;
    begin[splitAxis] += length;
    return piece;
  });
}

export function maxPoolGrad(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = poolInfo(input.shape, attrs);
  if (dy.dtype !== 'float32' || input.dtype !== 'float32')
    return runStockKernel(tf.MaxPoolGrad, 'wasm', args);
  const backend = args.backend as unknown as BackendWasm;
  const dx = backend.makeOutput([...input.shape], 'float32');
  if (!isSubsampling(info)) {
    maxPoolBackprop(
      backend.typedArrayFromHeap(input) as Float32Array,
      backend.typedArrayFromHeap(dy) as Float32Array,
      info,
      backend.typedArrayFromHeap(dx) as Float32Array,
    );
    return dx;
  }
  unpoolOneByOne(
    backend.typedArrayFromHeap(dy) as Float32Array,
    dy.shape,
    input.shape,
    info.strideHeight,
    info.strideWidth,
    backend.typedArrayFromHeap(dx) as Float32Array,
  );
  return dx;
}

/**
 * Slice, SplitV, and the gradient of a 1×1 strided max pool, as plain copies: the stock `wasm` kernels
 * compute an index per element (slicing a whole batch took longer than a convolution), and
 * both sit on the path of the ResNet paper's option-A shortcut. Other max pools get a correct
 * gradient ({@link maxPoolBackprop}: the stock one drops windows whose maximum is negative).
 */
export const wasmCopyKernels: readonly tf.KernelConfig[] = [
  { kernelName: tf.Slice, backendName: 'wasm', kernelFunc: slice as tf.KernelFunc },
  { kernelName: tf.SplitV, backendName: 'wasm', kernelFunc: splitV as tf.KernelFunc },
  { kernelName: tf.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad as tf.KernelFunc },
];
