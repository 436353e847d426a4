import {
  batchNorm,
  type ResidualBlockOptions,
  relu,
  ScalarBias,
  stochasticDepthRate,
} from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import type { NetworkSettings } from './model-options.js';

/**
 * The residual-variant options of block `index` (from 0) of the network's `total` blocks:
 * stochastic depth decays linearly with depth, and Fixup counts every residual branch.
 */
export function blockVariant(
  settings: NetworkSettings,
  index: number,
  total: number,
): Partial<ResidualBlockOptions> {
  return {
    norm: settings.norm,
    zeroInitResidual: settings.zeroInitResidual,
    residualScale: settings.residualScale,
    dropPathRate:
      settings.dropPathRate > 0 ? stochasticDepthRate(settings.dropPathRate, index, total) : 0,
    seed: settings.seed,
    fixupBranches: settings.fixup ? total : undefined,
  };
}

/** ReLU, after Fixup's scalar bias when the network uses Fixup. */
export function networkActivation(
  x: tf.SymbolicTensor,
  name: string,
  settings: NetworkSettings,
): tf.SymbolicTensor {
  const biased = settings.fixup
    ? (new ScalarBias({ name: `${name}_bias` }).apply(x) as tf.SymbolicTensor)
    : x;
  return relu(biased, name);
}

/**
 * The 3×3/2 max pool after an ImageNet stem. PyTorch pads the pool with -inf; after a ReLU, zeros
 * are the same (and Keras' ResNetV2, whose stem has no ReLU, pads with zeros itself).
 */
export function stemPool(x: tf.SymbolicTensor): tf.SymbolicTensor {
  const padded = tf.layers
    .zeroPadding2d({ padding: [1, 1], name: 'stem_pool_pad' })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'stem_pool' })
    .apply(padded) as tf.SymbolicTensor;
}

/**
 * The BN → ReLU a pre-activation network applies after its last block, whose output is
 * otherwise an unnormalised sum (He et al. 2016, §4.1; Keras' `post_bn`, `post_relu`).
 */
export function postActivation(x: tf.SymbolicTensor, settings: NetworkSettings): tf.SymbolicTensor {
  const normalized = settings.norm === 'batch' ? batchNorm(x, 'post_bn') : x;
  return networkActivation(normalized, 'post_relu', settings);
}

/**
 * The model from its input and the output of each stage: every stage's feature map
 * (`features`), the last map (optionally pooled) without the top, or logits.
 */
export function finishNetwork(
  input: tf.SymbolicTensor,
  stages: tf.SymbolicTensor[],
  settings: NetworkSettings,
): tf.LayersModel {
  const { name } = settings;
  if (settings.features) return tf.model({ inputs: input, outputs: stages, name });
  let x = stages[stages.length - 1];
  const pooling = settings.pooling ?? (settings.includeTop ? 'avg' : undefined);
  if (pooling !== undefined) {
    const pool =
      pooling === 'avg' ? tf.layers.globalAveragePooling2d : tf.layers.globalMaxPooling2d;
    x = pool({ name: `${pooling}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  if (settings.includeTop) {
    if (settings.fixup) x = new ScalarBias({ name: 'logits_bias' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers
      .dense({
        units: settings.numClasses,
        // Fixup starts the classifier at zero (Zhang et al. 2019, §3).
        kernelInitializer: settings.kernelInitializer('logits', settings.fixup ? 0 : 1),
        name: 'logits',
      })
      .apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name });
}
