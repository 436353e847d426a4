import { layerNorm } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { singleInput } from './layer-config.js';

type LayerNormalizationArgs = Parameters<typeof tf.layers.layerNormalization>[0];

/** tfjs-layers' LayerNormalization class (the package exports only its factory). */
const TfLayerNormalization = tf.layers.layerNormalization({}).constructor as (new (
  args?: LayerNormalizationArgs,
) => tf.layers.Layer) &
  typeof tf.layers.Layer;

/** The fields of tfjs-layers' LayerNormalization that `call` reads (private in its typings). */
interface LayerNormalizationFields {
  axis: number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
}

/**
 * tfjs-layers' `LayerNormalization` computed by `layerNorm` of `@residual/backend` when it
 * normalises the last axis (as transformers do): one kernel forward and one backward where ours
 * are registered, else (x − mean) · rsqrt(variance + ε) · γ + β with γ and β broadcast. tfjs's
 * own `call` tiles the mean, variance, γ and β to the input's full shape before a `batchNorm`,
 * and the gradient of each `Tile` is one slice and one addition per repeat: a training step of
 * `gpt_char_micro` spent more time there than in its matrix products. Same configuration,
 * weights and serialized form (class name `LayerNormalization`), registered in place of tfjs's
 * class; other axes run tfjs's code.
 */
export class LayerNormalization extends TfLayerNormalization {
  static className = 'LayerNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const x = singleInput(inputs);
    const self = this as unknown as LayerNormalizationFields;
    if (self.axis.length !== 1 || self.axis[0] !== x.rank - 1) {
      return super.call(inputs, kwargs) as tf.Tensor;
    }
    return layerNorm(
      x,
      self.scale && self.gamma !== null ? self.gamma.read() : null,
      self.center && self.beta !== null ? self.beta.read() : null,
      self.epsilon,
    );
  }
}
tf.serialization.registerClass(LayerNormalization);
