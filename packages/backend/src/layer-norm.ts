import * as tf from '@tensorflow/tfjs';
import { fusedKernelsUsable } from './kernels/fused-kernels.js';
import { LAYER_NORM, LAYER_NORM_GRAD } from './kernels/shared/layer-norm.js';

/**
 * Layer normalisation over the last axis (Ba et al. 2016): (x − mean)·rsqrt(variance + ε)·γ + β,
 * mean and biased variance per row, γ and β (`[width]`, either may be null) per column. Where
 * our kernels are registered (`wasm`, `cpu`) one pass forward and one backward; elsewhere, and
 * inside a gradient of a gradient, tfjs ops (whose ~25 gradient kernels chain through autodiff).
 */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): tf.Tensor {
  const width = x.shape[x.rank - 1];
  const perColumn = (t: tf.Tensor | null) =>
    t === null || (t.rank === 1 && t.shape[0] === width && t.dtype === 'float32');
  if (
    x.rank < 1 ||
    x.dtype !== 'float32' ||
    !perColumn(gamma) ||
    !perColumn(beta) ||
    !fusedKernelsUsable(LAYER_NORM, LAYER_NORM_GRAD)
  ) {
    return tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centered), -1, true);
      let y = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
      if (gamma !== null) y = tf.mul(y, gamma);
      if (beta !== null) y = tf.add(y, beta);
      return y;
    });
  }
  const inputs = [x, ...(gamma === null ? [] : [gamma]), ...(beta === null ? [] : [beta])];
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input, ...weights] = args as tf.Tensor[];
    const kernelInputs: tf.NamedTensorMap = { x: input };
    if (gamma !== null) kernelInputs.gamma = weights[0];
    if (beta !== null) kernelInputs.beta = weights[gamma === null ? 0 : 1];
    const [y, mean, invStd] = tf.engine().runKernel(LAYER_NORM, kernelInputs, {
      epsilon,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    // Saved tensors are kept until the backward pass.
    save([input, mean, invStd, ...(gamma === null ? [] : [weights[0]])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedMean, savedInvStd, savedGamma] = saved;
      const gradInputs: tf.NamedTensorMap = {
        x: savedX,
        dy,
        mean: savedMean,
        invStd: savedInvStd,
      };
      if (savedGamma !== undefined) gradInputs.gamma = savedGamma;
      const [dx, dGamma, dBeta] = tf.engine().runKernel(LAYER_NORM_GRAD, gradInputs) as tf.Tensor[];
      const grads = [dx];
      if (gamma !== null) grads.push(dGamma);
      else dGamma.dispose();
      if (beta !== null) grads.push(dBeta);
      else dBeta.dispose();
      return grads;
    };
    return { value: y, gradFunc };
  });
  return (normalize as (...t: tf.Tensor[]) => tf.Tensor)(...inputs);
}
