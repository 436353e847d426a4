import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import { RELU_GRAD } from '../shared/relu-gradient.js';
import { heapView } from '../wasm/heap.js';
import type { NativeKernels } from './addon.js';

/**
 * The kernel on `wasm` with the native addon. Without it the lean gradient stays off on `wasm`:
 * tfjs's Step and Multiply run in WebAssembly SIMD, 10x faster than a JavaScript loop.
 */
export function nativeWasmReluGradKernel(native: NativeKernels): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const backend = args.backend as unknown as BackendWasm;
    const dx = backend.makeOutput([...x.shape], 'float32');
    native.reluBackward(heapView(backend, x), heapView(backend, dy), heapView(backend, dx));
    return dx;
  };
  return { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}
