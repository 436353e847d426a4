import * as tf from '@tensorflow/tfjs';
import { runElementwiseUpdate } from './kernels/shared/elementwise-update.js';
import { MOVING_AVERAGE_UPDATE } from './kernels/shared/moving-average.js';

/**
 * A moving average's next value as tfjs-layers' batch norm computes it,
 * `current − (current − value)·factor` (factor = 1 − momentum): one kernel where ours is
 * registered (`wasm`, `cpu`), the same three tfjs ops elsewhere; the same bits either way.
 */
export function movingAverageUpdate(
  current: tf.Tensor,
  value: tf.Tensor,
  factor: number,
): tf.Tensor {
  const ours = runElementwiseUpdate(MOVING_AVERAGE_UPDATE, { current, value }, { factor });
  if (ours !== undefined) return ours[0]!;
  return tf.tidy(() => tf.sub(current, tf.mul(tf.sub(current, value), factor)));
}
