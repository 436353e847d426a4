import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';

/**
 * What ScalarMultiply and ChannelScale share: one learned weight named `scale`, all of its
 * entries starting at `initialValue`, multiplied into the input (broadcast over the axes it
 * lacks). A subclass says only the weight's shape.
 */
export abstract class LearnedScale extends tf.layers.Layer {
  readonly initialValue: number;
  private scale?: tf.LayerVariable;

  constructor(args: LayerArgs, initialValue: number) {
    super(args);
    this.initialValue = initialValue;
  }

  /** The shape of the `scale` weight for an input of `inputShape`. */
  protected abstract scaleShape(inputShape: tf.Shape): number[];

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.scale = this.addWeight(
      'scale',
      this.scaleShape(singleShape(inputShape)),
      'float32',
      tf.initializers.constant({ value: this.initialValue }),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(singleInput(inputs), this.scale!.read()));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { initialValue: this.initialValue, ...super.getConfig() };
  }
}
