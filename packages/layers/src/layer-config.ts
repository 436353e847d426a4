import * as tf from '@tensorflow/tfjs';
import type { Initializer } from './initializers.js';
import { LayerError } from './layer-error.js';

/** The base arguments of every tfjs layer (`name`, `trainable`, …); tfjs does not export the type. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** An initializer as it appears in a layer's config: `{ className, config }`, as tfjs writes it. */
export interface SerializedInitializer {
  className: string;
  config: tf.serialization.ConfigDict;
}

export function serializeInitializer(initializer: Initializer): SerializedInitializer {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/**
 * An initializer given either as an object or in its serialized form (what a layer's config
 * holds after `model.toJSON()` and `tf.models.modelFromJSON`).
 */
export function toInitializer(
  value: Initializer | SerializedInitializer | undefined,
  fallback: () => Initializer,
): Initializer {
  if (value === undefined || value === null) return fallback();
  if (value instanceof tf.serialization.Serializable) return value as Initializer;
  const { className, config } = value as SerializedInitializer;
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (registered === undefined) {
    throw new LayerError(`Unknown initializer "${className}" in a layer config.`);
  }
  const [cls, fromConfig] = registered;
  return fromConfig(cls, config) as Initializer;
}

/** The single tensor a one-input layer is called with. */
export function singleInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1)
      throw new LayerError(`Expected one input tensor, got ${inputs.length}.`);
    return inputs[0];
  }
  return inputs;
}

/** The single shape a one-input layer is given. */
export function singleShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(shape[0]) ? (shape as tf.Shape[])[0] : (shape as tf.Shape);
}
