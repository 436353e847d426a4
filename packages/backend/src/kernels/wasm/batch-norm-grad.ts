import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import {
  BATCH_NORM_GRAD,
  batchNormBackward,
  batchNormParameterGradients,
  inverseStd,
} from '../shared/batch-norm-backward.js';
import { heapView } from './heap.js';

/** The kernel on `wasm`: the two passes native when available, else in JavaScript. */
export function wasmBatchNormGradKernel(native?: NativeKernels): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo[] => {
    const { x, dy, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
    const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
    const backend = args.backend as unknown as BackendWasm;
    const channels = mean.shape[0];
    const dx = backend.makeOutput([...x.shape], 'float32');
    const invStd = inverseStd(heapView(backend, variance), varianceEpsilon);
    const scaleValues = scale === undefined ? null : heapView(backend, scale).slice();
    const sumDy = new Float32Array(channels);
    const sumDyCentered = new Float32Array(channels);
    const run = native?.batchNormBackward.bind(native) ?? batchNormBackward;
    run(
      heapView(backend, x),
      heapView(backend, dy),
      heapView(backend, mean),
      invStd,
      scaleValues,
      heapView(backend, dx),
      sumDy,
      sumDyCentered,
      channels,
    );
    const grads = batchNormParameterGradients(invStd, scaleValues, sumDy, sumDyCentered);
    const vector = (values: Float32Array) =>
      backend.makeOutput([channels], 'float32', undefined, values);
    return [
      dx,
      vector(grads.mean),
      vector(grads.variance),
      vector(grads.scale),
      vector(grads.offset),
    ];
  };
  return {
    kernelName: BATCH_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  };
}
