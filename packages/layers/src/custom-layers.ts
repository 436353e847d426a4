import type * as tf from '@tensorflow/tfjs';
import { CausalAttention } from './causal-attention.js';
import { ChannelScale } from './channel-scale.js';
import { DropPath } from './drop-path.js';
import { GroupNormalization } from './group-normalization.js';
import { GroupedConv2D } from './grouped-conv2d.js';
import { Interpolate } from './interpolate.js';
import { PositionEmbedding } from './position-embedding.js';
import { ScalarBias } from './scalar-bias.js';
import { ScalarMultiply } from './scalar-multiply.js';
import { SeededDropout } from './seeded-dropout.js';
import { TokenEmbedding } from './token-embedding.js';

/**
 * The layers this package defines because Keras has no built-in with the same maths. A model
 * containing one does not convert to Keras without custom objects (see each class for its
 * Keras equivalent); everything else in this package is built from standard Keras layers.
 */
export const CUSTOM_LAYER_CLASS_NAMES: readonly string[] = [
  CausalAttention.className,
  ChannelScale.className,
  DropPath.className,
  GroupedConv2D.className,
  GroupNormalization.className,
  Interpolate.className,
  PositionEmbedding.className,
  ScalarBias.className,
  ScalarMultiply.className,
  SeededDropout.className,
  TokenEmbedding.className,
];

/** The custom layer classes `model` uses, sorted; empty when it is made of standard layers. */
export function customLayerClassNames(model: tf.LayersModel): string[] {
  const used = new Set(
    model.layers
      .map((layer) => layer.getClassName())
      .filter((name) => CUSTOM_LAYER_CLASS_NAMES.includes(name)),
  );
  return [...used].sort();
}
