import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import { GELU, GELU_GRAD, geluBackward, geluForward } from '../shared/gelu.js';
import { heapView } from './heap.js';

/**
 * GELU and its gradient on `wasm`, one pass each (native when the addon is loaded, else
 * JavaScript), in place of ~5 and ~12 stock kernels.
 */
export function wasmGeluKernels(native?: NativeKernels): tf.KernelConfig[] {
  // Looked up per call: building the configs only closes over the addon.
  const forward = (x: Float32Array, y: Float32Array) =>
    native === undefined ? geluForward(x, y) : native.gelu(x, y);
  const backward = (x: Float32Array, dy: Float32Array, dx: Float32Array) =>
    native === undefined ? geluBackward(x, dy, dx) : native.geluBackward(x, dy, dx);
  function gelu(args: KernelArgs): tf.TensorInfo {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const backend = args.backend as unknown as BackendWasm;
    const y = backend.makeOutput([...x.shape], 'float32');
    // Views after the output's allocation, which may grow (and detach) the heap.
    forward(heapView(backend, x), heapView(backend, y));
    return y;
  }

  function geluGrad(args: KernelArgs): tf.TensorInfo {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...x.shape], 'float32');
    backward(heapView(backend, x), heapView(backend, dy), heapView(backend, dx));
    return dx;
  }

  return [
    { kernelName: GELU, backendName: 'wasm', kernelFunc: gelu as tf.KernelFunc },
    { kernelName: GELU_GRAD, backendName: 'wasm', kernelFunc: geluGrad as tf.KernelFunc },
  ];
}
