import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import {
  RESIZE_NEAREST_NEIGHBOR_GRAD,
  type ResizeNearestNeighborGradAttrs,
  resizeNearestNeighborBackward,
  sourceIndices,
} from '../shared/resize-nearest-neighbor-gradient.js';
import { heapView } from './heap.js';

/**
 * The gradient of `tf.image.resizeNearestNeighbor` on `wasm`: tfjs 4.22's own kernel ignores
 * `halfPixelCenters` (it sends the gradient to the pixels `alignCorners: false` would have
 * copied). With `native` (`@residual/backend-native`) the sums run on every core, in the same
 * order, so to the same bits, as the JavaScript loop; a U-Net's five upsamplings spent ~3 % of
 * its training step in that loop.
 */
export function wasmResizeNearestNeighborGradKernel(native?: NativeKernels): tf.KernelConfig {
  function resizeNearestNeighborGrad(args: KernelArgs): tf.TensorInfo {
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ResizeNearestNeighborGradAttrs;
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...images.shape], 'float32');
    const outSize: [number, number] = [dy.shape[1], dy.shape[2]];
    // Views after the output's allocation, which may grow (and detach) the heap.
    if (native === undefined) {
      resizeNearestNeighborBackward(
        heapView(backend, dy),
        heapView(backend, dx),
        images.shape,
        outSize,
        attrs,
      );
      return dx;
    }
    const [, inHeight, inWidth] = images.shape;
    const layout = Int32Array.from([
      ...images.shape,
      ...outSize,
      ...sourceIndices(inHeight, outSize[0], attrs),
      ...sourceIndices(inWidth, outSize[1], attrs),
    ]);
    native.resizeNearestBackward(heapView(backend, dy), layout, heapView(backend, dx));
    return dx;
  }
  return {
    kernelName: RESIZE_NEAREST_NEIGHBOR_GRAD,
    backendName: 'wasm',
    kernelFunc: resizeNearestNeighborGrad as tf.KernelFunc,
  };
}
