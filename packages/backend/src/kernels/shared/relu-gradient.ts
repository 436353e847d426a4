import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { cpuFloats, cpuTensor } from '../cpu/backend.js';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import { heapView } from '../wasm/heap.js';

/**
 * A kernel of ours (tfjs has none by this name): the gradient of Relu in one pass. Inputs x
 * and dy (same shape, float32); output dx. tfjs computes `dy · step(x)` as two full-size
 * kernels and an intermediate tensor; in a ResNet training step that is one pass too many per
 * ReLU.
 */
export const RELU_GRAD = 'ResidualReluGrad';

/**
 * dx = dy · step(x), bit for bit as tfjs's cpu backend: dy where x > 0, NaN where x is NaN,
 * else dy · 0 (−0 for a negative dy, NaN for an infinite one).
 */
export function reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const value = x[i];
    dx[i] = dy[i] * (value > 0 ? 1 : Number.isNaN(value) ? value : 0);
  }
}

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

/** The kernel on `cpu` (1.3x faster than tfjs's two JavaScript kernels). */
export const cpuReluGradKernel: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'cpu',
  kernelFunc: ((args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const values = cpuFloats(args.backend, x);
    const dx = new Float32Array(values.length);
    reluBackward(values, cpuFloats(args.backend, dy), dx);
    return cpuTensor(args.backend, [...x.shape], 'float32', dx);
  }) as tf.KernelFunc,
};
