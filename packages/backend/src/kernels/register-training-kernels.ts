import type * as tf from '@tensorflow/tfjs';
import { cpuConvKernels } from './cpu/conv.js';
import { cpuReluGradKernel } from './cpu/relu-gradient.js';
import { cpuTileReduceKernels } from './cpu/tile-reduce.js';
import { overriddenKernels, overrideKernel, restoreKernel } from './kernel-overrides.js';
import { registerLeanGradients } from './lean-gradients.js';
import type { NativeKernels } from './native/addon.js';
import { nativeWasmConvKernels } from './native/conv.js';
import { nativeWasmMatMulKernels } from './native/matmul.js';
import { nativeWasmPadKernel } from './native/pad.js';
import { nativeWasmPointwiseKernels } from './native/pointwise.js';
import { nativeWasmReluGradKernel } from './native/relu-gradient.js';
import { nativeWasmStridedCopyKernels } from './native/strided-copy.js';
import { wasmBatchNormGradKernel } from './wasm/batch-norm-grad.js';
import { wasmBatchNormTrainingKernels } from './wasm/batch-norm-training.js';
import { conv2dBackpropFilterWasmConfig } from './wasm/conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './wasm/conv2d-backprop-input.js';
import { wasmDepthwiseBackpropKernels } from './wasm/depthwise-backprop.js';
import { wasmMatMulKernels } from './wasm/matmul.js';
import { wasmSharedDataKernels } from './wasm/shared-data.js';
import { wasmCopyKernels } from './wasm/strided-copy.js';
import { wasmTileReduceKernels } from './wasm/tile-reduce.js';

export interface RegisterTrainingKernelsOptions {
  /**
   * Native kernels (from `@residual/backend-native`) to run the convolutions of the `wasm`
   * backend with. Default: none, the WebAssembly/JavaScript kernels.
   */
  native?: NativeKernels;
}

/** Our kernels for the backend without native code, by backend name. */
const PORTABLE_KERNELS: Record<string, readonly tf.KernelConfig[]> = {
  // Stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so no conv net trains on it
  // (tensorflow/tfjs#8474).
  wasm: [
    conv2dBackpropFilterWasmConfig(),
    conv2dBackpropInputWasmConfig,
    ...wasmTileReduceKernels,
    ...wasmSharedDataKernels,
    ...wasmCopyKernels,
    wasmBatchNormGradKernel(),
    ...wasmBatchNormTrainingKernels(),
    ...wasmDepthwiseBackpropKernels,
    ...wasmMatMulKernels,
  ],
  // The last resort where WebAssembly cannot start; tfjs's own kernels are slow there too.
  cpu: [...cpuConvKernels, ...cpuTileReduceKernels, cpuReluGradKernel],
};

const nativeConfigs = new WeakMap<NativeKernels, tf.KernelConfig[]>();

function nativeKernelConfigs(backendName: string, native: NativeKernels): tf.KernelConfig[] {
  if (backendName !== 'wasm') return [];
  let configs = nativeConfigs.get(native);
  if (configs === undefined) {
    configs = [
      ...nativeWasmConvKernels(native),
      ...nativeWasmMatMulKernels(native),
      ...nativeWasmPointwiseKernels(native),
      nativeWasmPadKernel(native),
      ...nativeWasmStridedCopyKernels(native),
      wasmBatchNormGradKernel(native),
      nativeWasmReluGradKernel(native),
      ...wasmBatchNormTrainingKernels(native),
    ];
    nativeConfigs.set(native, configs);
  }
  return configs;
}

/**
 * Registers the kernels `backendName` needs to train residual networks fast, replacing the stock
 * ones that are missing or slow. Idempotent; touches no other backend. Calling it again with
 * other options swaps the kernels (and puts back stock ones ours no longer replace).
 */
export function registerTrainingKernels(
  backendName: string,
  options: RegisterTrainingKernelsOptions = {},
): void {
  const wanted = new Map<string, tf.KernelConfig>();
  for (const config of PORTABLE_KERNELS[backendName] ?? []) wanted.set(config.kernelName, config);
  if (options.native !== undefined) {
    for (const config of nativeKernelConfigs(backendName, options.native)) {
      wanted.set(config.kernelName, config);
    }
  }
  for (const kernelName of overriddenKernels(backendName)) {
    if (!wanted.has(kernelName)) restoreKernel(kernelName, backendName);
  }
  for (const config of wanted.values()) overrideKernel(config);
  if (backendName === 'wasm' || backendName === 'cpu') registerLeanGradients(backendName);
}
