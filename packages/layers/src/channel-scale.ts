import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface ChannelScaleArgs extends LayerArgs {
  /** Initial value of every channel's factor. Default 1e-5 (CaiT's for 24 blocks). */
  initialValue?: number;
}

/**
 * LayerScale for sequences (Touvron et al. 2021, CaiT §2.1): multiplies each channel of the
 * last axis by its own learned factor, diag(λ)·x, all starting at `initialValue`. The image
 * blocks use a 1×1 `DepthwiseConv2D` for this; a [batch, length, channels] tensor has no such
 * standard layer.
 *
 * Keras equivalent: keras-cv's `LayerScale(init_values, projection_dim)`, one weight of shape
 * [channels] multiplied into the input.
 */
export class ChannelScale extends tf.layers.Layer {
  static className = 'ChannelScale';
  readonly initialValue: number;
  private scale?: tf.LayerVariable;

  constructor(args: ChannelScaleArgs = {}) {
    super(args);
    this.initialValue = args.initialValue ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1];
    if (channels === null) {
      throw new LayerError(`${this.name}: the last axis (channels) must have a known size.`);
    }
    this.scale = this.addWeight(
      'scale',
      [channels],
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
tf.serialization.registerClass(ChannelScale);
