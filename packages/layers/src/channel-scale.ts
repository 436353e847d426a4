import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from './layer-config.js';
import { LayerError } from './layer-error.js';
import { LearnedScale } from './learned-scale.js';

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
export class ChannelScale extends LearnedScale {
  static className = 'ChannelScale';

  constructor(args: ChannelScaleArgs = {}) {
    super(args, args.initialValue ?? 1e-5);
  }

  protected override scaleShape(shape: tf.Shape): number[] {
    const channels = shape[shape.length - 1];
    if (channels === null) {
      throw new LayerError(`${this.name}: the last axis (channels) must have a known size.`);
    }
    return [channels];
  }
}
tf.serialization.registerClass(ChannelScale);
