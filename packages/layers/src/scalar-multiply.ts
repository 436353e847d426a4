import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from './layer-config.js';
import { LearnedScale } from './learned-scale.js';

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
export class ScalarMultiply extends LearnedScale {
  static className = 'ScalarMultiply';

  constructor(args: ScalarMultiplyArgs = {}) {
    super(args, args.initialValue ?? 0);
  }

  /** One scalar, whatever the input shape. */
  protected override scaleShape(): number[] {
    return [];
  }
}
tf.serialization.registerClass(ScalarMultiply);
