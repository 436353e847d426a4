import * as tf from '@tensorflow/tfjs';
import { fusedKernelsUsable } from './kernels/fused-kernels.js';
import { BATCH_MOMENTS, BATCH_NORM_TRAINING_GRAD } from './kernels/wasm/batch-norm-training.js';

/** What {@link batchNormTraining} returns: the output and the batch statistics it used. */
export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /** Per-channel mean of the batch, `[channels]`. */
  mean: tf.Tensor1D;
  /** Per-channel biased variance of the batch, `[channels]`. */
  variance: tf.Tensor1D;
}

/**
 * Batch normalisation in training mode over the last axis, the batch's own statistics
 * normalising it: y = (x − mean) / √(variance + ε) · scale + offset, mean and variance over every
 * other axis. Computes what tfjs-layers' BatchNormalization does in training (`tf.moments`, then
 * `tf.batchNorm`), but where our kernels are registered (`wasm`) as two passes forward and two
 * backward, instead of the moments' four ops and the ~14 ops of their gradients chained through
 * autodiff. Elsewhere, it is exactly those tfjs ops.
 */
export function batchNormTraining(
  x: tf.Tensor,
  scale: tf.Tensor1D | null,
  offset: tf.Tensor1D | null,
  varianceEpsilon: number,
): BatchNormTrainingResult {
  const channels = x.shape[x.rank - 1];
  const perChannel = (t: tf.Tensor | null) =>
    t === null || (t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32');
  if (
    x.rank < 2 ||
    x.dtype !== 'float32' ||
    !perChannel(scale) ||
    !perChannel(offset) ||
    !fusedKernelsUsable(BATCH_MOMENTS, BATCH_NORM_TRAINING_GRAD)
  ) {
    return tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      const y = tf.batchNorm(
        x,
        mean,
        variance,
        offset ?? undefined,
        scale ?? undefined,
        varianceEpsilon,
      );
      return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
    });
  }
  // The statistics feed the normalisation inside the custom gradient (whose gradient accounts
  // for them) and the caller's moving averages, which no gradient flows through.
  const [mean, variance] = tf.engine().runKernel(BATCH_MOMENTS, { x }) as tf.Tensor1D[];
  const inputs = [x, ...(scale === null ? [] : [scale]), ...(offset === null ? [] : [offset])];
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input] = args as tf.Tensor[];
    // Saved tensors are kept until the backward pass; the caller disposes its own.
    save([input, mean, variance, ...(scale === null ? [] : [scale])]);
    const y = tf.batchNorm(
      input,
      mean,
      variance,
      offset ?? undefined,
      scale ?? undefined,
      varianceEpsilon,
    );
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedMean, savedVariance, savedScale] = saved;
      const kernelInputs: tf.NamedTensorMap = {
        x: savedX,
        dy,
        mean: savedMean,
        variance: savedVariance,
      };
      if (savedScale !== undefined) kernelInputs.scale = savedScale;
      const [dx, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, kernelInputs, {
        varianceEpsilon,
      } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const grads = [dx];
      if (scale !== null) grads.push(dScale);
      else dScale.dispose();
      if (offset !== null) grads.push(dOffset);
      else dOffset.dispose();
      return grads;
    };
    return { value: y, gradFunc };
  });
  const y = (normalize as (...t: tf.Tensor[]) => tf.Tensor)(...inputs);
  return { y, mean, variance };
}
