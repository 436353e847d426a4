import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import {
  RESIZE_NEAREST_NEIGHBOR_GRAD,
  type ResizeNearestNeighborGradAttrs,
  resizeNearestNeighborBackward,
} from '../shared/resize-nearest-neighbor-gradient.js';
import { heapView } from './heap.js';

/**
 * The gradient of `tf.image.resizeNearestNeighbor` on `wasm`: tfjs 4.22's own kernel ignores
 * `halfPixelCenters` (it sends the gradient to the pixels `alignCorners: false` would have
 * copied).
 */
export const wasmResizeNearestNeighborGradKernel: tf.KernelConfig = {
  kernelName: RESIZE_NEAREST_NEIGHBOR_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...images.shape], 'float32');
    // Views after the output's allocation, which may grow (and detach) the heap.
    resizeNearestNeighborBackward(
      heapView(backend, dy),
      heapView(backend, dx),
      images.shape,
      [dy.shape[1], dy.shape[2]],
      args.attrs as unknown as ResizeNearestNeighborGradAttrs,
    );
    return dx;
  }) as tf.KernelFunc,
};
