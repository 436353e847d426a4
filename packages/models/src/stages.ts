import type { ResidualBlockOptions } from '@residual/layers';
import type * as tf from '@tensorflow/tfjs';
import {
  type NetworkSettings,
  SHORTCUT_KINDS_BY_OPTION,
  type ShortcutOption,
} from './model-options.js';
import { blockVariant, postActivation } from './network.js';

/** Where a block sits in the network: all a family needs to name, stride and vary it. */
export interface BlockPosition {
  /** Stage, from 0. */
  stage: number;
  /** Block within its stage, from 0. */
  block: number;
  /** Blocks in this stage. */
  blocks: number;
  /** Block within the network, from 0 (stochastic depth and Fixup count it). */
  index: number;
  /** Blocks in the network. */
  total: number;
  lastStage: boolean;
  /** The block's layer-name prefix, `stage{s}_block{b}` from 1: saved weights map by it. */
  name: string;
}

/**
 * The stage loop every ResNet family shares: `depths[s]` blocks in stage s, each built by
 * `addBlock` from its position, and the output of every stage (for `features`). A
 * pre-activation network's last stage ends in BN → ReLU, since its blocks leave the sum
 * unnormalised (He et al. 2016, §4.1).
 */
export function residualStages(
  input: tf.SymbolicTensor,
  depths: readonly number[],
  settings: NetworkSettings,
  addBlock: (x: tf.SymbolicTensor, at: BlockPosition) => tf.SymbolicTensor,
  { preActivation = false }: { preActivation?: boolean } = {},
): tf.SymbolicTensor[] {
  const total = depths.reduce((a, b) => a + b, 0);
  const stages: tf.SymbolicTensor[] = [];
  let x = input;
  let index = 0;
  depths.forEach((blocks, stage) => {
    const lastStage = stage === depths.length - 1;
    for (let block = 0; block < blocks; block++) {
      const name = `stage${stage + 1}_block${block + 1}`;
      x = addBlock(x, { stage, block, blocks, index, total, lastStage, name });
      index++;
    }
    stages.push(preActivation && lastStage ? postActivation(x, settings) : x);
  });
  return stages;
}

/**
 * A block's options in the ResNet paper's layout, which ResNet and CIFAR ResNet share: `filters`
 * planes, stride 2 on the first block of every stage after the first, the `shortcut` where the
 * shape changes. A plain network (`residual` false) has no shortcut and no residual variant.
 */
export function stageBlockOptions(
  settings: NetworkSettings,
  at: BlockPosition,
  filters: number,
  residual: boolean,
  shortcut: ShortcutOption,
): ResidualBlockOptions {
  return {
    ...(residual ? blockVariant(settings, at.index, at.total) : { norm: settings.norm }),
    filters,
    strides: at.stage > 0 && at.block === 0 ? 2 : 1,
    shortcut: residual ? SHORTCUT_KINDS_BY_OPTION[shortcut] : null,
    name: at.name,
    kernelInitializer: settings.kernelInitializer,
  };
}
