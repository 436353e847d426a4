import type * as tf from '@tensorflow/tfjs';
import { cpuAdamWUpdateKernel } from './adamw.js';
import { cpuCausalSoftmaxKernels } from './causal-softmax.js';
import { cpuConvKernels } from './conv.js';
import { cpuGeluKernels } from './gelu.js';
import { cpuLayerNormKernels } from './layer-norm.js';
import { cpuMovingAverageUpdateKernel } from './moving-average.js';
import { cpuReluGradKernel } from './relu-gradient.js';
import { cpuResizeNearestNeighborGradKernel } from './resize-nearest-neighbor-gradient.js';
import { cpuSgdMomentumUpdateKernel } from './sgd-momentum.js';
import { cpuTileReduceKernels } from './tile-reduce.js';

/**
 * The kernels of the `cpu` backend, the last resort where WebAssembly cannot start: tfjs's own
 * kernels are slow there too, and one of them is wrong (the nearest-neighbour resize gradient).
 */
export const cpuKernels: readonly tf.KernelConfig[] = [
  ...cpuConvKernels,
  ...cpuTileReduceKernels,
  cpuReluGradKernel,
  cpuResizeNearestNeighborGradKernel,
  cpuAdamWUpdateKernel,
  cpuSgdMomentumUpdateKernel,
  cpuMovingAverageUpdateKernel,
  ...cpuGeluKernels,
  ...cpuLayerNormKernels,
  ...cpuCausalSoftmaxKernels,
];
