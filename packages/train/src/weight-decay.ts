// What the optimizers (SgdMomentum, AdamW) share about weight decay: the check of its
// coefficient and the choice of the weights it applies to.
import type * as tf from '@tensorflow/tfjs';

/** Which weights weight decay applies to. */
export type WeightDecayTarget = 'kernels' | 'all';

/** Throws a RangeError unless `weightDecay` is a finite, non-negative number. */
export function checkWeightDecay(weightDecay: number): void {
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    throw new RangeError(`weightDecay must be a non-negative number, got ${weightDecay}.`);
  }
}

/** Whether a positive `weightDecay` applies to `variable`: 'kernels' means rank ≥ 2. */
export function isDecayed(
  variable: tf.Variable,
  weightDecay: number,
  appliesTo: WeightDecayTarget,
): boolean {
  return weightDecay > 0 && (appliesTo === 'all' || variable.rank >= 2);
}
