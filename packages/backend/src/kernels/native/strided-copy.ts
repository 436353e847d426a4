import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { sourceIndices } from '../shared/resize-nearest-neighbor-gradient.js';
import { isSubsampling, poolInfo } from '../shared/strided-copy.js';
import { heapView, sizeOf } from '../wasm/heap.js';
import {
  maxPoolGrad as portableMaxPoolGrad,
  slice as portableSlice,
} from '../wasm/strided-copy.js';
import type { NativeKernels } from './addon.js';

/** Below this many output values the stock kernels are as fast (and the call cheaper). */
const MIN_NATIVE_SIZE = 4096;
/** The most dimensions the native kernel takes. */
const MAX_RANK = 8;

/** Row-major strides of `shape`, in values. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/**
 * Copies `x` into a new tensor of `sizes`, value i reading x at offset + Σ i_d · strides[d].
 * `shape` is the new tensor's shape when it is not `sizes` (the same values, other axes).
 */
function stridedCopy(
  native: NativeKernels,
  backend: BackendWasm,
  x: tf.TensorInfo,
  sizes: number[],
  strides: number[],
  offset = 0,
  shape = sizes,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const layout = Int32Array.from([sizes.length, ...sizes, ...strides]);
  native.stridedCopy(heapView(backend, x).subarray(offset), layout, heapView(backend, out));
  return out;
}

/**
 * The copies of a ResNet step, on every core. The option-A shortcut of the ResNet paper
 * subsamples with a 1×1 max pool of stride 2 and widens the channels through two `Transpose`s
 * (Keras has no channel padding); the stock kernels run on one thread, and together cost as
 * much as a convolution of CIFAR ResNet-20 at batch 128. Training adds their gradients: the
 * pool's scatters dy back (a padding), and the gradient of each padding is a `Slice`. The
 * gradient of a windowed max pool (the 3×3/2 pool of ImageNet ResNets' stems) is native too: in
 * JavaScript it took a third of a `resnet18` training step at 224×224. So is a U-Net decoder's
 * nearest-neighbour doubling, a copy with repeats (stock: one thread).
 */
export function nativeWasmStridedCopyKernels(native: NativeKernels): tf.KernelConfig[] {
  const transpose = (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    if (x.dtype !== 'float32' || x.shape.length > MAX_RANK || sizeOf(x.shape) < MIN_NATIVE_SIZE) {
      return runStockKernel(tf.Transpose, 'wasm', args);
    }
    const strides = stridesOf(x.shape);
    return stridedCopy(
      native,
      args.backend as unknown as BackendWasm,
      x,
      perm.map((d) => x.shape[d]),
      perm.map((d) => strides[d]),
    );
  };
  const maxPool = (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.MaxPoolAttrs;
    const info = poolInfo(x.shape, attrs);
    if (x.dtype !== 'float32' || !isSubsampling(info) || sizeOf(info.outShape) < MIN_NATIVE_SIZE) {
      return runStockKernel(tf.MaxPool, 'wasm', args);
    }
    const [rowStride, pixelStride] = stridesOf(x.shape).slice(1, 3);
    return stridedCopy(
      native,
      args.backend as unknown as BackendWasm,
      x,
      [...info.outShape],
      [info.inHeight * rowStride, info.strideHeight * rowStride, info.strideWidth * pixelStride, 1],
    );
  };
  const slice = (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    if (x.dtype !== 'float32' || x.shape.length > MAX_RANK) return portableSlice(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    if (sizeOf(size) < MIN_NATIVE_SIZE) return portableSlice(args);
    const strides = stridesOf(x.shape);
    const offset = begin.reduce((sum, b, d) => sum + b * strides[d], 0);
    return stridedCopy(native, args.backend as unknown as BackendWasm, x, size, strides, offset);
  };
  const maxPoolGrad = (args: KernelArgs) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const info = poolInfo(input.shape, attrs);
    const { strideHeight: sh, strideWidth: sw } = info;
    // A subsampling of an image whose sides are multiples of the stride: dx seen as
    // [batch, outHeight, sh, outWidth, sw, channels] is dy padded after axes 2 and 4.
    const unpool =
      isSubsampling(info) &&
      info.inHeight === info.outHeight * sh &&
      info.inWidth === info.outWidth * sw;
    if (
      dy.dtype !== 'float32' ||
      input.dtype !== 'float32' ||
      sizeOf(input.shape) < MIN_NATIVE_SIZE
    ) {
      return portableMaxPoolGrad(args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...input.shape], 'float32');
    if (!unpool) {
      // A max pool of windows (ResNet's 3×3/2 stem pool): scanned per image on every core.
      const geometry = Int32Array.from([
        ...[info.batchSize, info.inHeight, info.inWidth, info.inChannels],
        ...[info.outHeight, info.outWidth, sh, sw, info.dilationHeight, info.dilationWidth],
        ...[info.effectiveFilterHeight, info.effectiveFilterWidth],
        ...[info.padInfo.top, info.padInfo.left],
      ]);
      native.maxPoolBackward(
        heapView(backend, input),
        heapView(backend, dy),
        geometry,
        heapView(backend, dx),
      );
      return dx;
    }
    const layout = Int32Array.from([
      6,
      ...[info.batchSize, info.outHeight, 1, info.outWidth, 1, info.inChannels],
      ...[0, 0, 0, 0, 0, 0],
      ...[0, 0, sh - 1, 0, sw - 1, 0],
    ]);
    native.pad(heapView(backend, dy), layout, 0, heapView(backend, dx));
    return dx;
  };
  const resizeNearestNeighbor = (args: KernelArgs) => {
    const { images } = args.inputs as { images: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.ResizeNearestNeighborAttrs;
    const [batch, inHeight, inWidth, channels] = images.shape;
    const [outHeight, outWidth] = attrs.size;
    // An enlargement by whole factors that copies input pixel floor(o / factor) to output o
    // (a U-Net's or FPN's doubling): out seen as [batch, inHeight, fy, inWidth, fx, channels]
    // reads the input with strides 0 along the repeats.
    const fy = outHeight / inHeight;
    const fx = outWidth / inWidth;
    const repeats = (inSize: number, outSize: number, factor: number) =>
      Number.isInteger(factor) &&
      sourceIndices(inSize, outSize, attrs).every((source, o) => source === Math.floor(o / factor));
    if (
      images.dtype !== 'float32' ||
      batch * outHeight * outWidth * channels < MIN_NATIVE_SIZE ||
      !repeats(inHeight, outHeight, fy) ||
      !repeats(inWidth, outWidth, fx)
    ) {
      return runStockKernel(tf.ResizeNearestNeighbor, 'wasm', args);
    }
    return stridedCopy(
      native,
      args.backend as unknown as BackendWasm,
      images,
      [batch, inHeight, fy, inWidth, fx, channels],
      [inHeight * inWidth * channels, inWidth * channels, 0, channels, 0, 1],
      0,
      [batch, outHeight, outWidth, channels],
    );
  };
  return [
    {
      kernelName: tf.ResizeNearestNeighbor,
      backendName: 'wasm',
      kernelFunc: resizeNearestNeighbor as unknown as tf.KernelFunc,
    },
    { kernelName: tf.Slice, backendName: 'wasm', kernelFunc: slice as unknown as tf.KernelFunc },
    {
      kernelName: tf.MaxPoolGrad,
      backendName: 'wasm',
      kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
    },
    {
      kernelName: tf.Transpose,
      backendName: 'wasm',
      kernelFunc: transpose as unknown as tf.KernelFunc,
    },
    {
      kernelName: tf.MaxPool,
      backendName: 'wasm',
      kernelFunc: maxPool as unknown as tf.KernelFunc,
    },
  ];
}
