import * as tf from '@tensorflow/tfjs';
import { type LayerArgs, singleInput, singleShape } from './layer-config.js';

export interface ScalarMultiplyArgs extends LayerArgs {
  /** Initial value of the learned scalar. Default 0 (ReZero, SkipInit); Fixup starts at 1. */
  initialValue?: number;
}

/**
 * Multiplies its input by one learned scalar α: the residual-branch gate of ReZero
 * (Bachlechner et al. 2020, `y = x + α·F(x)`, α = 0 at the start), SkipInit (De & Smith 2020)
 * and Fixup's multiplier (Zhang et al. 2019). One parameter, whatever the input shape.
 *
 * Keras has no such layer; its equivalent is a three-line custom layer holding one scalar
 * weight (`self.add_weight(shape=())`) whose `call` returns `alpha * x`.
 */
export class ScalarMultiply extends tf.layers.Layer {
  static className = 'ScalarMultiply';
  readonly initialValue: number;
  private scale?: tf.LayerVariable;

  constructor(args: ScalarMultiplyArgs = {}) {
    super(args);
    this.initialValue = args.initialValue ?? 0;
  }

  override build(): void {
    this.scale = this.addWeight(
      'scale',
      [],
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
tf.serialization.registerClass(ScalarMultiply);
