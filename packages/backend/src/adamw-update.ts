import * as tf from '@tensorflow/tfjs';
import { ADAMW_UPDATE, type AdamWUpdateAttrs } from './kernels/shared/adamw.js';
import { runElementwiseUpdate } from './kernels/shared/elementwise-update.js';

export type { AdamWUpdateAttrs } from './kernels/shared/adamw.js';

/** What {@link adamwUpdate} returns: the weight, first and second moments after the step. */
export interface AdamWUpdateResult {
  weight: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
}

/**
 * One AdamW step of one weight (Loshchilov & Hutter 2019, as `torch.optim.AdamW`):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w·decay − stepSize · m / (√v / √(1−β₂ᵗ) + ε).
 * Where our kernel is registered (`wasm`, `cpu`) one kernel does it; elsewhere the same
 * operations as tfjs ops. Both round every operation to float32 in the same order, so they
 * give the same bits.
 */
export function adamwUpdate(
  weight: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  gradient: tf.Tensor,
  attrs: AdamWUpdateAttrs,
): AdamWUpdateResult {
  const ours = runElementwiseUpdate(ADAMW_UPDATE, { weight, m, v, gradient }, attrs);
  if (ours !== undefined) return { weight: ours[0]!, m: ours[1]!, v: ours[2]! };
  return tf.tidy(() => {
    const scalar = (value: number) => tf.scalar(value);
    const newM = tf.add(
      tf.mul(m, scalar(attrs.beta1)),
      tf.mul(gradient, scalar(attrs.oneMinusBeta1)),
    );
    const newV = tf.add(
      tf.mul(v, scalar(attrs.beta2)),
      tf.mul(tf.square(gradient), scalar(attrs.oneMinusBeta2)),
    );
    const decayed = attrs.decayed ? tf.mul(weight, scalar(attrs.decay)) : weight;
    const denominator = tf.add(
      tf.div(tf.sqrt(newV), scalar(attrs.rootCorrection2)),
      scalar(attrs.epsilon),
    );
    const w = tf.sub(decayed, tf.mul(tf.div(newM, denominator), scalar(attrs.stepSize)));
    return { weight: w, m: newM, v: newV };
  });
}
