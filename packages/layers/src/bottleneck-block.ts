import type * as tf from '@tensorflow/tfjs';
import { convBn } from './conv-bn.js';
import {
  activate,
  closePostActivationBlock,
  finishBranch,
  fixupBias,
  planBranch,
  type ResidualBlockOptions,
} from './residual-branch.js';

/** A bottleneck block outputs this many times `filters` channels. */
export const BOTTLENECK_EXPANSION = 4;

export interface BottleneckBlockOptions extends ResidualBlockOptions {
  /**
   * Channels of the inner 1×1 and 3×3 convolutions. Default `filters`; torchvision uses
   * `filters · widthPerGroup / 64 · groups` (wider for Wide ResNets and ResNeXt).
   */
  width?: number;
  /** Groups of the 3×3 convolution: ResNeXt's cardinality. Default 1. */
  groups?: number;
  /**
   * Dilation of the 3×3 convolution, which then keeps stride 1: torchvision's
   * `replace_stride_with_dilation` for segmentation backbones. Default 1.
   */
  dilation?: number;
}

/**
 * The bottleneck block of He et al. 2015 (Fig. 5): 1×1 (reduce) → 3×3 → 1×1 (expand ×4), each
 * followed by BN, ReLU after the addition. The stride sits on the 3×3 convolution, as in
 * torchvision ("ResNet v1.5"), not on the first 1×1 as in the paper.
 */
export function bottleneckBlock(
  x: tf.SymbolicTensor,
  options: BottleneckBlockOptions,
): tf.SymbolicTensor {
  const { filters, name, kernelInitializer } = options;
  const width = options.width ?? filters;
  const outChannels = filters * BOTTLENECK_EXPANSION;
  const plan = planBranch(options, 3, true);
  const unit = { kernelInitializer, norm: plan.norm, useBias: plan.convBias };
  const input = fixupBias(x, `${name}_1_bias`, plan);
  let branch = convBn(input, {
    ...unit,
    filters: width,
    kernelSize: 1,
    name: `${name}_1`,
    gain: plan.innerGain,
  });
  branch = activate(branch, `${name}_1_relu`, plan);
  branch = fixupBias(branch, `${name}_2_bias`, plan);
  branch = convBn(branch, {
    ...unit,
    filters: width,
    kernelSize: 3,
    strides: options.strides,
    groups: options.groups,
    dilation: options.dilation,
    name: `${name}_2`,
    gain: plan.innerGain,
  });
  branch = activate(branch, `${name}_2_relu`, plan);
  branch = fixupBias(branch, `${name}_3_bias`, plan);
  branch = convBn(branch, {
    ...unit,
    filters: outChannels,
    kernelSize: 1,
    name: `${name}_3`,
    gain: plan.lastGain,
    zeroGamma: plan.zeroGamma,
  });
  branch = finishBranch(branch, options, plan);
  return closePostActivationBlock(x, input, branch, options, outChannels, plan);
}
