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

export type BasicBlockOptions = ResidualBlockOptions;

/**
 * The basic residual block of He et al. 2015 (Fig. 2): two 3×3 conv + BN, the shortcut added
 * after the second BN, ReLU after the addition. `y = relu(F(x) + shortcut(x))`.
 */
export function basicBlock(x: tf.SymbolicTensor, options: BasicBlockOptions): tf.SymbolicTensor {
  const { filters, name, kernelInitializer } = options;
  const plan = planBranch(options, 2, true);
  const unit = { kernelSize: 3, kernelInitializer, norm: plan.norm, useBias: plan.convBias };
  // Fixup's first bias feeds both the branch and a projecting shortcut (Zhang et al. 2019).
  const input = fixupBias(x, `${name}_1_bias`, plan);
  let branch = convBn(input, {
    ...unit,
    filters,
    strides: options.strides,
    name: `${name}_1`,
    gain: plan.innerGain,
  });
  branch = activate(branch, `${name}_1_relu`, plan);
  branch = fixupBias(branch, `${name}_2_bias`, plan);
  branch = convBn(branch, {
    ...unit,
    filters,
    name: `${name}_2`,
    gain: plan.lastGain,
    zeroGamma: plan.zeroGamma,
  });
  branch = finishBranch(branch, options, plan);
  return closePostActivationBlock(x, input, branch, options, filters, plan);
}
