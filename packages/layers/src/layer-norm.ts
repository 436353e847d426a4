import type * as tf from '@tensorflow/tfjs';
import { LayerNormalization } from './layer-normalization.js';

/** PyTorch's LayerNorm epsilon (Keras defaults to 1e-3); GPT-2 and nanoGPT use it. */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis (Ba et al. 2016) with a learned gain and, when
 * `bias` is true (default), a learned offset: the standard Keras `LayerNormalization` (this
 * package's, which computes it without tfjs's tiling) with PyTorch's epsilon.
 */
export function layerNorm(x: tf.SymbolicTensor, name: string, bias = true): tf.SymbolicTensor {
  return new LayerNormalization({
    axis: -1,
    epsilon: LAYER_NORM_EPSILON,
    center: bias,
    name,
  }).apply(x) as tf.SymbolicTensor;
}
