import * as tf from '@tensorflow/tfjs';
import { runElementwiseUpdate } from './kernels/shared/elementwise-update.js';
import { SGD_MOMENTUM_UPDATE, type SgdMomentumUpdateAttrs } from './kernels/shared/sgd-momentum.js';

export type { SgdMomentumUpdateAttrs } from './kernels/shared/sgd-momentum.js';

/** What {@link sgdMomentumUpdate} returns: the weight and velocity after the step. */
export interface SgdMomentumUpdateResult {
  weight: tf.Tensor;
  velocity: tf.Tensor;
}

/**
 * One step of SGD with momentum on one weight, as `torch.optim.SGD`:
 * g ← g + λw (decayed weights), v ← μv + g, w ← w − η·v (Nesterov: w ← w − η·(g + μv)).
 * Where our kernel is registered (`wasm`, `cpu`) one kernel does it; elsewhere the same
 * operations as tfjs ops. Both round every operation to float32 in the same order, so they
 * give the same bits.
 */
export function sgdMomentumUpdate(
  weight: tf.Tensor,
  velocity: tf.Tensor,
  gradient: tf.Tensor,
  attrs: SgdMomentumUpdateAttrs,
): SgdMomentumUpdateResult {
  const ours = runElementwiseUpdate(SGD_MOMENTUM_UPDATE, { weight, velocity, gradient }, attrs);
  if (ours !== undefined) return { weight: ours[0]!, velocity: ours[1]! };
  return tf.tidy(() => {
    const g = attrs.decayed
      ? tf.add(gradient, tf.mul(weight, tf.scalar(attrs.weightDecay)))
      : gradient;
    const momentum = tf.scalar(attrs.momentum);
    const v = tf.add(tf.mul(velocity, momentum), g);
    const update = attrs.nesterov ? tf.add(g, tf.mul(v, momentum)) : v;
    return { weight: tf.sub(weight, tf.mul(update, tf.scalar(attrs.learningRate))), velocity: v };
  });
}
