import * as tf from '@tensorflow/tfjs';
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
  const fits = [current, value].every(
    (t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, current.shape),
  );
  if (fits && tf.getKernel(MOVING_AVERAGE_UPDATE, tf.getBackend()) !== undefined) {
    const [updated] = tf.engine().runKernel(MOVING_AVERAGE_UPDATE, { current, value }, {
      factor,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return updated;
  }
  return tf.tidy(() => tf.sub(current, tf.mul(tf.sub(current, value), factor)));
}
