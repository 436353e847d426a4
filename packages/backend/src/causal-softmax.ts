import * as tf from '@tensorflow/tfjs';
import { fusedKernelsUsable } from './kernels/fused-kernels.js';
import { CAUSAL_SOFTMAX, CAUSAL_SOFTMAX_GRAD } from './kernels/shared/causal-softmax.js';

/** Added to the scores of future positions: exp(−1e9 − max) is exactly 0 in float32. */
const MASKED = -1e9;
const causalMasks = new Map<number, Float32Array>();

/** The additive causal mask of a length: 0 where key s ≤ query t, −1e9 where s > t. */
function causalMask(length: number): tf.Tensor2D {
  let values = causalMasks.get(length);
  if (values === undefined) {
    values = new Float32Array(length * length);
    for (let t = 0; t < length; t++) values.fill(MASKED, t * length + t + 1, (t + 1) * length);
    causalMasks.set(length, values);
  }
  return tf.tensor2d(values, [length, length]);
}

/**
 * Attention weights from scores `[..., length, length]` (queries by keys): row t is
 * softmax(scale · scores[t, s]) over the keys s ≤ t, and exactly 0 for the future keys s > t.
 * Where our kernels are registered (`wasm`, `cpu`) one pass forward and one backward; elsewhere,
 * and inside a gradient of a gradient, tfjs ops: scale, add a −1e9 mask, softmax.
 */
export function causalSoftmax(scores: tf.Tensor, scale: number): tf.Tensor {
  const length = scores.shape[scores.rank - 1];
  if (
    scores.rank < 2 ||
    scores.shape[scores.rank - 2] !== length ||
    scores.dtype !== 'float32' ||
    !fusedKernelsUsable(CAUSAL_SOFTMAX, CAUSAL_SOFTMAX_GRAD)
  ) {
    return tf.tidy(() => tf.softmax(tf.add(tf.mul(scores, scale), causalMask(length))));
  }
  const attrs = { scale } as unknown as tf.NamedAttrMap;
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x] = args as tf.Tensor[];
    const value = tf.engine().runKernel(CAUSAL_SOFTMAX, { x }, attrs) as tf.Tensor;
    // The gradient needs the output only.
    save([value]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.engine().runKernel(CAUSAL_SOFTMAX_GRAD, { y: saved[0], dy }, attrs) as tf.Tensor;
    return { value, gradFunc };
  });
  return (fused as (t: tf.Tensor) => tf.Tensor)(scores);
}
