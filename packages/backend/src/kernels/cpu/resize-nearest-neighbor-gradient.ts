import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import {
  RESIZE_NEAREST_NEIGHBOR_GRAD,
  type ResizeNearestNeighborGradAttrs,
  resizeNearestNeighborBackward,
} from '../shared/resize-nearest-neighbor-gradient.js';
import { cpuFloats, cpuTensor } from './backend.js';

/**
 * The gradient of `tf.image.resizeNearestNeighbor` on `cpu`. tfjs 4.22's own kernel reads every
 * image's upstream gradient at the first image's offset (it adds the input's batch stride to an
 * index into `dy`) and ignores `halfPixelCenters`: a U-Net decoder's upsampling trained on `cpu`
 * got the first image's gradient for every image of the batch.
 */
export const cpuResizeNearestNeighborGradKernel: tf.KernelConfig = {
  kernelName: RESIZE_NEAREST_NEIGHBOR_GRAD,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const dx = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
    resizeNearestNeighborBackward(
      cpuFloats(args.backend, dy),
      dx,
      images.shape,
      [dy.shape[1], dy.shape[2]],
      args.attrs as unknown as ResizeNearestNeighborGradAttrs,
    );
    return cpuTensor(args.backend, [...images.shape], 'float32', dx);
  }) as tf.KernelFunc,
};
