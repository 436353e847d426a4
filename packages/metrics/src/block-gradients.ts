import * as tf from '@tensorflow/tfjs';
import { MetricsError } from './metrics-error.js';

/** A named set of trainable weights measured together, e.g. every weight of one transformer block. */
export interface WeightGroup {
  name: string;
  /** True for a repeated block of the network (what per-block charts plot); false for the rest. */
  block: boolean;
  weights: readonly tf.LayerVariable[];
}

/** The gradient of one group's weights on one batch. */
export interface BlockGradient {
  name: string;
  block: boolean;
  parameters: number;
  /** L2 norm over all of the group's weight gradients. */
  gradientNorm: number;
  /** L2 norm over all of the group's weights. */
  weightNorm: number;
}

export interface BlockGradients {
  loss: number;
  /** L2 norm of the whole gradient (every group together). */
  gradientNorm: number;
  groups: BlockGradient[];
}

/** The block a layer belongs to in @residual/layers' naming: `block3_attn_proj` → `block3`. */
const BLOCK_PREFIX = /^(block\d+)_/;

/**
 * A model's trainable weights grouped by block, in network order: every layer whose name
 * `blockOf` maps to a block joins that block's group, every other layer with weights (the
 * embeddings, a final LayerNorm) is a group of its own. A layer applied twice (a tied embedding)
 * is counted once. The default `blockOf` reads @residual/layers' `block<i>_` prefixes.
 */
export function groupWeightsByBlock(
  model: tf.LayersModel,
  blockOf: (layerName: string) => string | null = (name) => BLOCK_PREFIX.exec(name)?.[1] ?? null,
): WeightGroup[] {
  const groups: { name: string; block: boolean; weights: tf.LayerVariable[] }[] = [];
  const byName = new Map<string, (typeof groups)[number]>();
  for (const layer of model.layers) {
    if (layer.trainableWeights.length === 0) continue;
    const block = blockOf(layer.name);
    const name = block ?? layer.name;
    let group = byName.get(name);
    if (group === undefined) {
      group = { name, block: block !== null, weights: [] };
      byName.set(name, group);
      groups.push(group);
    }
    group.weights.push(...layer.trainableWeights);
  }
  return groups;
}

/**
 * One forward and backward pass of `loss` (which runs the model on a batch and returns a
 * scalar), and the gradient norm of each group of weights. No weight changes; leaves no tensors.
 * A weight with no path to the loss has gradient norm 0.
 * @throws MetricsError when the groups hold no weights or one weight twice.
 */
export function blockGradients(
  groups: readonly WeightGroup[],
  loss: () => tf.Scalar,
): BlockGradients {
  const variables = groups.flatMap((group) => group.weights.map((w) => w.read() as tf.Variable));
  if (variables.length === 0) throw new MetricsError('blockGradients: the groups hold no weights.');
  if (new Set(variables.map((v) => v.name)).size !== variables.length) {
    throw new MetricsError('blockGradients: a weight appears in more than one group.');
  }
  const measured = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    const square = (t: tf.Tensor) => tf.sum(tf.square(t));
    return tf.stack([
      value,
      ...variables.map((v) => (v.name in grads ? square(grads[v.name]) : tf.scalar(0))),
      ...variables.map(square),
    ]);
  });
  const values = measured.dataSync();
  measured.dispose();
  const n = variables.length;
  let offset = 0;
  let total = 0;
  const measuredGroups = groups.map((group): BlockGradient => {
    let g = 0;
    let w = 0;
    let parameters = 0;
    for (let i = 0; i < group.weights.length; i++) {
      g += values[1 + offset + i];
      w += values[1 + n + offset + i];
      parameters += tf.util.sizeFromShape(group.weights[i].shape as number[]);
    }
    offset += group.weights.length;
    total += g;
    return {
      name: group.name,
      block: group.block,
      parameters,
      gradientNorm: Math.sqrt(g),
      weightNorm: Math.sqrt(w),
    };
  });
  return { loss: values[0], gradientNorm: Math.sqrt(total), groups: measuredGroups };
}
