import { batchNormTraining, movingAverageUpdate } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { singleInput } from './layer-config.js';

type BatchNormalizationArgs = Parameters<typeof tf.layers.batchNormalization>[0];

/** tfjs-layers' BatchNormalization class (the package exports only its factory). */
const TfBatchNormalization = tf.layers.batchNormalization({}).constructor as (new (
  args?: BatchNormalizationArgs,
) => tf.layers.Layer) &
  typeof tf.layers.Layer;

/** The fields of tfjs-layers' BatchNormalization that training reads (private in its typings). */
interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/**
 * tfjs-layers' `BatchNormalization` with a faster training step: the batch statistics and the
 * gradient are computed by {@link batchNormTraining} (two passes forward, two backward on
 * `wasm`, where tfjs chains `tf.moments` and about fourteen gradient ops per layer). Same
 * configuration, weights, moving-average updates and serialized form (class name
 * `BatchNormalization`, so saved models load into either); inference runs tfjs's `batchNorm`
 * directly, every other case tfjs's own code.
 *
 * Registering it replaces tfjs's class for deserialization in this process: a Keras or tfjs
 * model loaded after `@residual/layers` is imported trains its batch norms this way too.
 */
export class BatchNormalization extends TfBatchNormalization {
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const input = singleInput(inputs);
    const self = this as unknown as BatchNormalizationFields;
    const lastAxis = self.axis === -1 || self.axis === input.rank - 1;
    // A frozen batch norm (trainable = false) runs in inference mode even while the model
    // trains, as in Keras: fine-tuning keeps the pretrained statistics of frozen stages.
    const training = kwargs.training === true && this.trainable;
    if (!training && lastAxis && input.rank >= 2 && input.rank <= 4) {
      // What tfjs-layers computes here, without its per-call axis bookkeeping and tidy scope
      // (~40 µs a layer: 2% of a CIFAR ResNet's inference step at batch 128).
      return tf.batchNorm(
        input,
        self.movingMean.read(),
        self.movingVariance.read(),
        self.center && self.beta !== null ? self.beta.read() : undefined,
        self.scale && self.gamma !== null ? self.gamma.read() : undefined,
        self.epsilon,
      );
    }
    if (!training || !lastAxis || input.rank < 2) {
      return super.call(inputs, { ...kwargs, training }) as tf.Tensor;
    }
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(
        input,
        self.scale && self.gamma !== null ? (self.gamma.read() as tf.Tensor1D) : null,
        self.center && self.beta !== null ? (self.beta.read() as tf.Tensor1D) : null,
        self.epsilon,
      );
      // The moving averages exactly as tfjs-layers updates them, v ← v − (v − batch)·(1 − momentum),
      // in one kernel each where tfjs runs three.
      for (const [variable, value] of [
        [self.movingMean, mean],
        [self.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          variable.write(movingAverageUpdate(variable.read(), value, 1 - self.momentum));
        });
      }
      return y;
    });
  }
}
tf.serialization.registerClass(BatchNormalization);
