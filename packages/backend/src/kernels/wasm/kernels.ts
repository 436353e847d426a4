import type * as tf from '@tensorflow/tfjs';
import { wasmAdamWUpdateKernel } from './adamw.js';
import { wasmBatchNormGradKernel } from './batch-norm-grad.js';
import { wasmBatchNormTrainingKernels } from './batch-norm-training.js';
import { wasmCausalSoftmaxKernels } from './causal-softmax.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { wasmDepthwiseBackpropKernels } from './depthwise-backprop.js';
import { wasmGeluKernels } from './gelu.js';
import { wasmLayerNormKernels } from './layer-norm.js';
import { wasmMatMulKernels } from './matmul.js';
import { wasmMovingAverageUpdateKernel } from './moving-average.js';
import { wasmResizeNearestNeighborGradKernel } from './resize-nearest-neighbor-gradient.js';
import { wasmSgdMomentumUpdateKernel } from './sgd-momentum.js';
import { wasmSharedDataKernels } from './shared-data.js';
import { wasmCopyKernels } from './strided-copy.js';
import { wasmTileReduceKernels } from './tile-reduce.js';

/**
 * The portable kernels of the `wasm` backend: WebAssembly (XNNPACK) and JavaScript, on every
 * machine that runs it. Stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so no conv
 * net trains on it without these (tensorflow/tfjs#8474).
 */
export const wasmKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterWasmConfig(),
  conv2dBackpropInputWasmConfig,
  ...wasmTileReduceKernels,
  ...wasmSharedDataKernels,
  ...wasmCopyKernels,
  wasmBatchNormGradKernel(),
  ...wasmBatchNormTrainingKernels(),
  ...wasmDepthwiseBackpropKernels,
  ...wasmMatMulKernels,
  wasmAdamWUpdateKernel(),
  wasmSgdMomentumUpdateKernel(),
  wasmMovingAverageUpdateKernel,
  ...wasmGeluKernels(),
  ...wasmLayerNormKernels(),
  ...wasmCausalSoftmaxKernels(),
  wasmResizeNearestNeighborGradKernel(),
];
