import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface GroupNormalizationArgs extends LayerArgs {
  /** Groups the channels are split into; must divide the channels. */
  groups: number;
  /** Added to the variance. Default 1e-5 (PyTorch's `nn.GroupNorm`). */
  epsilon?: number;
}

/**
 * Group normalisation (Wu & He 2018) of NHWC images: the channels split into `groups`, each
 * group normalised over its channels and all pixels of one image, then a learned per-channel
 * scale γ (from 1) and shift β (from 0): PyTorch's `nn.GroupNorm(groups, channels)`, which
 * smp's FPN decoder uses. Unlike batch norm it does not depend on the batch, and keeps no
 * running statistics.
 *
 * Keras equivalent: `GroupNormalization(groups, epsilon=1e-5)` (Keras 3), weights gamma, beta.
 */
export class GroupNormalization extends tf.layers.Layer {
  static className = 'GroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs) {
    super(args);
    if (!Number.isInteger(args.groups) || args.groups < 1) {
      throw new LayerError(`${this.name}: groups must be a positive integer, got ${args.groups}.`);
    }
    this.groups = args.groups;
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels === null || channels % this.groups !== 0) {
      throw new LayerError(
        `${this.name}: needs [batch, height, width, channels] with channels divisible by ${this.groups} groups, got [${shape}].`,
      );
    }
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs);
      const [batch, height, width, channels] = x.shape as number[];
      const grouped = tf.reshape(x, [batch, height, width, this.groups, channels / this.groups]);
      const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
      const normalized = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      const y = tf.reshape(normalized, x.shape);
      return tf.add(tf.mul(y, this.gamma!.read()), this.beta!.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { groups: this.groups, epsilon: this.epsilon, ...super.getConfig() };
  }
}
tf.serialization.registerClass(GroupNormalization);
