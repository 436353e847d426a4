import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import {
  CAUSAL_SOFTMAX,
  CAUSAL_SOFTMAX_GRAD,
  causalSoftmaxBackward,
  causalSoftmaxForward,
} from '../shared/causal-softmax.js';
import { heapView, sizeOf } from './heap.js';

/**
 * The causal softmax and its gradient on `wasm` (native when the addon is loaded, else
 * JavaScript): one pass each for the mask's addition, the softmax and their gradients.
 */
export function wasmCausalSoftmaxKernels(native?: NativeKernels): tf.KernelConfig[] {
  // Looked up per call: building the configs only closes over the addon.
  const forward = (x: Float32Array, y: Float32Array, length: number, scale: number) =>
    native === undefined
      ? causalSoftmaxForward(x, y, length, scale)
      : native.causalSoftmax(x, y, length, scale);
  const backward = (
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    length: number,
    scale: number,
  ) =>
    native === undefined
      ? causalSoftmaxBackward(y, dy, dx, length, scale)
      : native.causalSoftmaxBackward(y, dy, dx, length, scale);
  const causalSoftmax = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { scale } = args.attrs as { scale: number };
    const backend = args.backend as unknown as BackendWasm;
    const y = backend.makeOutput([...x.shape], 'float32');
    if (sizeOf(x.shape) === 0) return y;
    // Views after the output's allocation, which may grow (and detach) the heap.
    forward(heapView(backend, x), heapView(backend, y), x.shape[x.shape.length - 1], scale);
    return y;
  };
  const causalSoftmaxGrad = (args: KernelArgs): tf.TensorInfo => {
    const { y, dy } = args.inputs as { y: tf.TensorInfo; dy: tf.TensorInfo };
    const { scale } = args.attrs as { scale: number };
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...y.shape], 'float32');
    if (sizeOf(y.shape) === 0) return dx;
    const length = y.shape[y.shape.length - 1];
    backward(heapView(backend, y), heapView(backend, dy), heapView(backend, dx), length, scale);
    return dx;
  };
  return [
    {
      kernelName: CAUSAL_SOFTMAX,
      backendName: 'wasm',
      kernelFunc: causalSoftmax as tf.KernelFunc,
    },
    {
      kernelName: CAUSAL_SOFTMAX_GRAD,
      backendName: 'wasm',
      kernelFunc: causalSoftmaxGrad as tf.KernelFunc,
    },
  ];
}
