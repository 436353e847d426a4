import { gelu } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';

/** tfjs-layers' `gelu` activation class (the package exports only its layers' factories). */
const TfGelu = (tf.layers.activation({ activation: 'gelu' }) as unknown as { activation: object })
  .activation.constructor as new () => { apply(x: tf.Tensor, axis?: number): tf.Tensor };

/**
 * tfjs-layers' `gelu` activation (the exact, erf form) computed by `gelu` of
 * `@residual/backend`: one kernel forward and one backward where ours are registered, instead
 * of the ~17 kernels the composition and its gradient run. Registered in place of tfjs's class
 * under the same name, so every `activation: 'gelu'` (a `Dense` layer's, a loaded model's) uses
 * it; same configuration and serialized form.
 */
export class GeluActivation extends TfGelu {
  static className = 'gelu';

  override apply(x: tf.Tensor): tf.Tensor {
    return gelu(x);
  }
}
tf.serialization.registerClass(
  GeluActivation as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);
