import type * as tf from '@tensorflow/tfjs';
import { wasmAdamWUpdateKernel } from '../wasm/adamw.js';
import { wasmBatchNormGradKernel } from '../wasm/batch-norm-grad.js';
import { wasmBatchNormTrainingKernels } from '../wasm/batch-norm-training.js';
import { wasmCausalSoftmaxKernels } from '../wasm/causal-softmax.js';
import { wasmGeluKernels } from '../wasm/gelu.js';
import { wasmLayerNormKernels } from '../wasm/layer-norm.js';
import { wasmResizeNearestNeighborGradKernel } from '../wasm/resize-nearest-neighbor-gradient.js';
import { wasmSgdMomentumUpdateKernel } from '../wasm/sgd-momentum.js';
import type { NativeKernels } from './addon.js';
import { nativeWasmConvKernels } from './conv.js';
import { nativeWasmMatMulKernels } from './matmul.js';
import { nativeWasmPadKernel } from './pad.js';
import { nativeWasmPointwiseKernels } from './pointwise.js';
import { nativeWasmReluGradKernel } from './relu-gradient.js';
import { nativeWasmStridedCopyKernels } from './strided-copy.js';

/**
 * The kernels of the `wasm` backend that call `native` (`@residual/backend-native`) on the
 * tensors in the WASM heap. The batch-norm gradients, GELU, layer norm, the causal softmax, the
 * nearest-neighbour resize's gradient and the AdamW and SGD-momentum updates are the portable
 * kernels of `../wasm/` made with `native`, which runs their passes.
 */
export function nativeKernels(native: NativeKernels): tf.KernelConfig[] {
  return [
    ...nativeWasmConvKernels(native),
    ...nativeWasmMatMulKernels(native),
    ...nativeWasmPointwiseKernels(native),
    nativeWasmPadKernel(native),
    ...nativeWasmStridedCopyKernels(native),
    wasmBatchNormGradKernel(native),
    nativeWasmReluGradKernel(native),
    ...wasmBatchNormTrainingKernels(native),
    ...wasmGeluKernels(native),
    wasmAdamWUpdateKernel(native),
    wasmSgdMomentumUpdateKernel(native),
    ...wasmLayerNormKernels(native),
    ...wasmCausalSoftmaxKernels(native),
    wasmResizeNearestNeighborGradKernel(native),
  ];
}
