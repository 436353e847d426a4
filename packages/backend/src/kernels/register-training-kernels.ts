import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm.js';
import { depthwiseConv2dBackpropWasmConfigs } from './depthwise-conv2d-backprop-wasm.js';

/** Kernels that a backend lacks for training, by backend name. */
const TRAINING_KERNELS: Record<string, readonly tf.KernelConfig[]> = {
  // Stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so no conv net trains on it
  // (tensorflow/tfjs#8474).
  wasm: [conv2dBackpropFilterWasmConfig(), ...depthwiseConv2dBackpropWasmConfigs()],
};

/**
 * Registers the kernels `backendName` needs to train residual networks. Idempotent; leaves
 * every other backend, and every kernel the backend already has, untouched.
 */
export function registerTrainingKernels(backendName: string): void {
  for (const config of TRAINING_KERNELS[backendName] ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) {
      tf.registerKernel(config);
    }
  }
}
