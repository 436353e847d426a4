import type * as tf from '@tensorflow/tfjs';
import { conv, convBn } from './conv-bn.js';
import {
  activate,
  addResidual,
  type BranchPlan,
  blockShortcut,
  finishBranch,
  fixupBias,
  planBranch,
  preActivation,
  type ResidualBlockOptions,
  shortcutKind,
} from './residual-branch.js';

export interface PreActBlockOptions extends ResidualBlockOptions {
  /** Biases on the last convolution and on a projection, as Keras' ResNetV2 has. Default false. */
  useBias?: boolean;
  /**
   * Feed the shortcut the pre-activated input even when it is the identity or a zero-pad.
   * He et al. 2016 (§4.1) do this for the first block after the stem. Default false: only a
   * projecting shortcut takes the pre-activated input (as in Keras' ResNetV2 and WRN).
   */
  preActivatedShortcut?: boolean;
}

/**
 * The shortcut's input: the raw block input keeps the identity path clean (He et al. 2016);
 * a projection is a convolution like the branch's and takes the pre-activated input.
 */
export function shortcutSource(
  x: tf.SymbolicTensor,
  preActivated: tf.SymbolicTensor,
  options: PreActBlockOptions,
  outChannels: number,
): tf.SymbolicTensor {
  const kind = shortcutKind(x, options, outChannels);
  const raw = (kind === 'identity' || kind === 'zero-pad') && !options.preActivatedShortcut;
  return raw ? x : preActivated;
}

/**
 * The pre-activation basic block of He et al. 2016 ("Identity Mappings", Fig. 4e): BN → ReLU →
 * 3×3 conv → BN → ReLU → 3×3 conv, added to the shortcut with nothing after the addition, so
 * the identity path runs unchanged from block to block. `y = x + F(x)`.
 */
export function preActBasicBlock(
  x: tf.SymbolicTensor,
  options: PreActBlockOptions,
): tf.SymbolicTensor {
  const { filters, name, kernelInitializer } = options;
  const plan = planBranch(options, 2, false);
  const preActivated = preActivation(x, name, plan);
  let branch = fixupBias(preActivated, `${name}_1_bias`, plan);
  branch = convBn(branch, {
    filters,
    kernelSize: 3,
    strides: options.strides,
    name: `${name}_1`,
    kernelInitializer,
    norm: plan.norm,
    useBias: plan.convBias,
    gain: plan.innerGain,
  });
  branch = activate(branch, `${name}_1_relu`, plan);
  branch = fixupBias(branch, `${name}_2_bias`, plan);
  branch = conv(branch, {
    filters,
    kernelSize: 3,
    name: `${name}_2`,
    kernelInitializer,
    useBias: (options.useBias ?? false) || plan.convBias,
    gain: plan.lastGain,
  });
  branch = finishBranch(branch, options, plan);
  return closePreActivationBlock(x, preActivated, branch, options, filters, plan);
}

/**
 * Closes a pre-activation block: the branch plus the shortcut, with nothing after the addition
 * (a plain block, `shortcut: null`, is the branch alone).
 */
export function closePreActivationBlock(
  x: tf.SymbolicTensor,
  preActivated: tf.SymbolicTensor,
  branch: tf.SymbolicTensor,
  options: PreActBlockOptions,
  outChannels: number,
  plan: BranchPlan,
): tf.SymbolicTensor {
  if (options.shortcut === null) return branch;
  const source = shortcutSource(x, preActivated, options, outChannels);
  const carried = blockShortcut(source, options, outChannels, plan, {
    preActivation: true,
    useBias: options.useBias,
  });
  return addResidual(branch, carried, options.name);
}
