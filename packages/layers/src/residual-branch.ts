import * as tf from '@tensorflow/tfjs';
import { batchNorm, type Normalization, relu } from './conv-bn.js';
import { DropPath } from './drop-path.js';
import type { KernelInitializerFactory } from './initializers.js';
import { LayerError } from './layer-error.js';
import { LAYER_SCALE_INIT, layerScale } from './layer-scale.js';
import { ScalarBias } from './scalar-bias.js';
import { ScalarMultiply } from './scalar-multiply.js';
import { type ShortcutKind, shortcut } from './shortcut.js';
import { squeezeExcitation } from './squeeze-excitation.js';

/**
 * How the residual branch is scaled before the addition:
 * - `none`: `y = x + F(x)`;
 * - `rezero`: `y = x + α·F(x)`, one learned scalar α starting at 0 (Bachlechner et al. 2020);
 * - `skipinit`: the same gate, proposed to replace batch norm (De & Smith 2020), so models
 *   build it without normalisation unless told otherwise;
 * - `layerscale`: a learned factor per channel, starting at 1e-5 (Touvron et al. 2021).
 */
export type ResidualScale = 'none' | 'rezero' | 'skipinit' | 'layerscale';
export const RESIDUAL_SCALES: readonly ResidualScale[] = [
  'none',
  'rezero',
  'skipinit',
  'layerscale',
];

/** What every residual block takes. */
export interface ResidualBlockOptions {
  /** Output channels of a basic block; a bottleneck block outputs 4 × `filters`. */
  filters: number;
  /** Stride of the block's spatial convolution (and of the shortcut). Default 1. */
  strides?: number;
  /**
   * The shortcut used when the block changes shape; a shape-preserving block uses the
   * identity. `null` builds the plain (shortcut-free) counterpart of the block.
   */
  shortcut: ShortcutKind | null;
  /** Layer name prefix, e.g. `stage2_block1`. */
  name: string;
  kernelInitializer: KernelInitializerFactory;
  /** Default 'batch'. With 'none' the convolutions get biases, unless Fixup provides them. */
  norm?: Normalization;
  /**
   * Start each residual branch at zero so every block begins as the identity (Goyal et al.
   * 2017): the last batch norm's γ starts at 0, or the last convolution's kernel when the
   * branch does not end in a batch norm (pre-activation, no normalisation). Default false.
   */
  zeroInitResidual?: boolean;
  /** Default 'none'. */
  residualScale?: ResidualScale;
  /** Initial LayerScale factor. Default 1e-5. */
  layerScaleInit?: number;
  /** Stochastic depth: probability of dropping this block's branch while training. Default 0. */
  dropPathRate?: number;
  /** Seeds the stochastic-depth masks. Default: unseeded. */
  seed?: number;
  /** Gate the branch with squeeze-and-excitation before the addition. Default false. */
  squeezeExcitation?: boolean;
  /**
   * Fixup (Zhang et al. 2019) for networks without normalisation (`norm: 'none'`): the
   * network's number of residual branches L. Scales the branch's inner kernels by
   * L^(−1/(2m−2)) for m layers per branch, starts the last one at zero, and adds Fixup's
   * scalar biases and multiplier. Default: no Fixup.
   */
  fixupBranches?: number;
}

/** What a block needs to know about its branch, derived once from the options. */
export interface BranchPlan {
  norm: Normalization;
  fixup: boolean;
  /** Initial-weight gain of the branch's convolutions before the last one. */
  innerGain: number;
  /** Initial-weight gain of the last convolution (0 starts the branch at zero). */
  lastGain: number;
  /** Start the last batch norm's γ at zero. */
  zeroGamma: boolean;
  /** Convolutions carry their own bias (no normalisation, no Fixup). */
  convBias: boolean;
}

/**
 * Checks a block's options and derives its plan. `layers` is m, the convolutions in the
 * branch; `endsWithNorm` says whether the branch's last convolution is followed by a BN.
 */
export function planBranch(
  options: ResidualBlockOptions,
  layers: number,
  endsWithNorm: boolean,
): BranchPlan {
  const { name } = options;
  const norm = options.norm ?? 'batch';
  const scale = options.residualScale ?? 'none';
  if (norm !== 'batch' && norm !== 'none') {
    throw new LayerError(`${name}: norm must be 'batch' or 'none', got '${norm}'.`);
  }
  if (!RESIDUAL_SCALES.includes(scale)) {
    throw new LayerError(
      `${name}: residualScale must be one of ${RESIDUAL_SCALES.join(', ')}, got '${scale}'.`,
    );
  }
  const fixup = options.fixupBranches !== undefined;
  if (options.shortcut === null) {
    const residualOnly = [
      scale !== 'none' && 'residualScale',
      (options.dropPathRate ?? 0) > 0 && 'dropPathRate',
      options.zeroInitResidual && 'zeroInitResidual',
      fixup && 'fixupBranches',
    ].filter(Boolean);
    if (residualOnly.length > 0) {
      throw new LayerError(
        `${name}: a plain block (shortcut: null) has no residual branch for ${residualOnly.join(', ')}.`,
      );
    }
  }
  if (fixup) {
    if (norm !== 'none') {
      throw new LayerError(`${name}: Fixup replaces normalisation; it needs norm 'none'.`);
    }
    if (scale !== 'none') {
      throw new LayerError(
        `${name}: Fixup brings its own branch multiplier; residualScale must be 'none', got '${scale}'.`,
      );
    }
    const branches = options.fixupBranches as number;
    if (!Number.isInteger(branches) || branches < 1) {
      throw new LayerError(`${name}: fixupBranches must be a positive integer, got ${branches}.`);
    }
  }
  const zeroInit = options.zeroInitResidual ?? false;
  const ends = endsWithNorm && norm === 'batch';
  return {
    norm,
    fixup,
    innerGain: fixup ? (options.fixupBranches as number) ** (-1 / (2 * layers - 2)) : 1,
    lastGain: fixup || (zeroInit && !ends) ? 0 : 1,
    zeroGamma: zeroInit && ends,
    convBias: norm === 'none' && !fixup,
  };
}

/** Fixup's scalar bias (a no-op without Fixup). */
export function fixupBias(x: tf.SymbolicTensor, name: string, plan: BranchPlan): tf.SymbolicTensor {
  return plan.fixup ? (new ScalarBias({ name }).apply(x) as tf.SymbolicTensor) : x;
}

/** ReLU, preceded by Fixup's scalar bias under Fixup. */
export function activate(x: tf.SymbolicTensor, name: string, plan: BranchPlan): tf.SymbolicTensor {
  return relu(fixupBias(x, `${name}_bias`, plan), name);
}

/**
 * The end of a residual branch, in timm's order: squeeze-excitation, the branch scale
 * (ReZero / SkipInit / LayerScale, or Fixup's multiplier and bias), then stochastic depth.
 */
export function finishBranch(
  branch: tf.SymbolicTensor,
  options: ResidualBlockOptions,
  plan: BranchPlan,
): tf.SymbolicTensor {
  const { name } = options;
  let y = branch;
  if (options.squeezeExcitation) {
    y = squeezeExcitation(y, { name: `${name}_se`, kernelInitializer: options.kernelInitializer });
  }
  const scale = options.residualScale ?? 'none';
  if (scale === 'rezero' || scale === 'skipinit') {
    y = new ScalarMultiply({ initialValue: 0, name: `${name}_alpha` }).apply(
      y,
    ) as tf.SymbolicTensor;
  } else if (scale === 'layerscale') {
    y = layerScale(y, `${name}_layer_scale`, options.layerScaleInit ?? LAYER_SCALE_INIT);
  }
  if (plan.fixup) {
    y = new ScalarMultiply({ initialValue: 1, name: `${name}_scale` }).apply(
      y,
    ) as tf.SymbolicTensor;
    y = fixupBias(y, `${name}_scale_bias`, plan);
  }
  const rate = options.dropPathRate ?? 0;
  if (rate > 0) {
    y = new DropPath({ rate, seed: options.seed, name: `${name}_drop_path` }).apply(
      y,
    ) as tf.SymbolicTensor;
  }
  return y;
}

/** The shortcut a block uses: the identity when it keeps the shape, else `options.shortcut`. */
export function shortcutKind(
  x: tf.SymbolicTensor,
  options: ResidualBlockOptions,
  outChannels: number,
): ShortcutKind {
  const inChannels = x.shape[x.shape.length - 1];
  return (options.strides ?? 1) === 1 && inChannels === outChannels
    ? 'identity'
    : (options.shortcut as ShortcutKind);
}

/**
 * The pre-activation of He et al. 2016 ("Identity Mappings"): BN then ReLU before the block's
 * first convolution (ReLU alone without normalisation).
 */
export function preActivation(
  x: tf.SymbolicTensor,
  name: string,
  plan: BranchPlan,
): tf.SymbolicTensor {
  const normalized = plan.norm === 'batch' ? batchNorm(x, `${name}_preact_bn`) : x;
  return activate(normalized, `${name}_preact_relu`, plan);
}

/**
 * The block's shortcut: the identity when the shape is kept, else `options.shortcut`.
 * Pre-activation blocks project without a batch norm (their convolutions are followed by none).
 */
export function blockShortcut(
  x: tf.SymbolicTensor,
  options: ResidualBlockOptions,
  outChannels: number,
  plan: BranchPlan,
  extra: { preActivation?: boolean; useBias?: boolean } = {},
): tf.SymbolicTensor {
  return shortcut(x, {
    kind: shortcutKind(x, options, outChannels),
    filters: outChannels,
    strides: options.strides ?? 1,
    name: `${options.name}_shortcut`,
    kernelInitializer: options.kernelInitializer,
    norm: extra.preActivation ? 'none' : plan.norm,
    useBias: (extra.useBias ?? false) || plan.convBias,
  });
}

/**
 * The addition that closes the block: the carried stream first, then the branch (Keras'
 * `Add()([shortcut, x])`; the sum is the same, IEEE addition of two terms commutes).
 *
 * The order matters for deep networks: tfjs-layers maps a functional graph by recursing into
 * each layer's inputs in order, from the output back. Stream first, that recursion runs down
 * the residual stream, a few frames per block, and enters each branch from its end only once
 * the stream below is mapped; branch first, it runs through every layer of every block, which
 * for cifar_resnet1202 under Fixup or ReZero (6,017 and 4,816 layers) overflowed Node's
 * default stack.
 */
export function addResidual(
  branch: tf.SymbolicTensor,
  carried: tf.SymbolicTensor,
  name: string,
): tf.SymbolicTensor {
  return tf.layers.add({ name: `${name}_add` }).apply([carried, branch]) as tf.SymbolicTensor;
}

/**
 * Closes a post-activation (v1) block: the branch plus the shortcut, then ReLU (a plain block,
 * `shortcut: null`, keeps only the ReLU). The identity carries the raw input `x`; a projecting
 * or zero-padding shortcut reads `input`, the branch's input (with Fixup's first bias).
 */
export function closePostActivationBlock(
  x: tf.SymbolicTensor,
  input: tf.SymbolicTensor,
  branch: tf.SymbolicTensor,
  options: ResidualBlockOptions,
  outChannels: number,
  plan: BranchPlan,
): tf.SymbolicTensor {
  const { name } = options;
  if (options.shortcut === null) return relu(branch, `${name}_out`);
  const source = shortcutKind(x, options, outChannels) === 'identity' ? x : input;
  const carried = blockShortcut(source, options, outChannels, plan);
  return relu(addResidual(branch, carried, name), `${name}_out`);
}
