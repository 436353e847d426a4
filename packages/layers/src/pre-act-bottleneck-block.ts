import type * as tf from '@tensorflow/tfjs';
import { BOTTLENECK_EXPANSION } from './bottleneck-block.js';
import { conv, convBn } from './conv-bn.js';
import { closePreActivationBlock, type PreActBlockOptions } from './pre-act-basic-block.js';
import { activate, finishBranch, fixupBias, planBranch, preActivation } from './residual-branch.js';

export interface PreActBottleneckBlockOptions extends PreActBlockOptions {
  /** Channels of the inner 1×1 and 3×3 convolutions. Default `filters`. */
  width?: number;
  /** Groups of the 3×3 convolution. Default 1. */
  groups?: number;
}

/**
 * The pre-activation bottleneck block of He et al. 2016: BN → ReLU → 1×1 → BN → ReLU → 3×3
 * (strided) → BN → ReLU → 1×1 (×4), added to the shortcut with nothing after the addition.
 * With `useBias`, the layout of Keras' ResNet50V2.
 */
export function preActBottleneckBlock(
  x: tf.SymbolicTensor,
  options: PreActBottleneckBlockOptions,
): tf.SymbolicTensor {
  const { filters, name, kernelInitializer } = options;
  const width = options.width ?? filters;
  const outChannels = filters * BOTTLENECK_EXPANSION;
  const plan = planBranch(options, 3, false);
  const unit = { kernelInitializer, norm: plan.norm, useBias: plan.convBias, gain: plan.innerGain };
  const preActivated = preActivation(x, name, plan);
  let branch = fixupBias(preActivated, `${name}_1_bias`, plan);
  branch = convBn(branch, { ...unit, filters: width, kernelSize: 1, name: `${name}_1` });
  branch = activate(branch, `${name}_1_relu`, plan);
  branch = fixupBias(branch, `${name}_2_bias`, plan);
  branch = convBn(branch, {
    ...unit,
    filters: width,
    kernelSize: 3,
    strides: options.strides,
    groups: options.groups,
    name: `${name}_2`,
  });
  branch = activate(branch, `${name}_2_relu`, plan);
  branch = fixupBias(branch, `${name}_3_bias`, plan);
  branch = conv(branch, {
    filters: outChannels,
    kernelSize: 1,
    name: `${name}_3`,
    kernelInitializer,
    useBias: (options.useBias ?? false) || plan.convBias,
    gain: plan.lastGain,
  });
  branch = finishBranch(branch, options, plan);
  return closePreActivationBlock(x, preActivated, branch, options, outChannels, plan);
}
