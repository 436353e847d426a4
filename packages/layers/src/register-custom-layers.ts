import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from './batch-normalization.js';
import { DropPath } from './drop-path.js';
import { GeluActivation } from './gelu-activation.js';
import { GroupNormalization } from './group-normalization.js';
import { GroupedConv2D } from './grouped-conv2d.js';
import { Interpolate } from './interpolate.js';
import { ScalarBias } from './scalar-bias.js';
import { ScalarMultiply } from './scalar-multiply.js';
import { SeededDropout } from './seeded-dropout.js';

/**
 * Registers every layer class of this package with tfjs's serialization, so that
 * `tf.loadLayersModel` can load a model that uses them. Idempotent. Importing this package
 * registers them too (its one side effect, declared in `sideEffects`); call this where the
 * registration must not depend on how a bundler treats imports, as `loadModel` does.
 */
export function registerCustomLayers(): void {
  for (const layer of [
    BatchNormalization,
    DropPath,
    GroupedConv2D,
    GroupNormalization,
    Interpolate,
    ScalarBias,
    ScalarMultiply,
    SeededDropout,
  ]) {
    tf.serialization.registerClass(layer);
  }
  tf.serialization.registerClass(
    GeluActivation as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}
