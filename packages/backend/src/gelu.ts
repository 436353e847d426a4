import * as tf from '@tensorflow/tfjs';
import { fusedKernelsUsable } from './kernels/fused-kernels.js';
import { GELU, GELU_GRAD } from './kernels/shared/gelu.js';

/**
 * GELU with the exact Φ (Hendrycks & Gimpel 2016; PyTorch's `nn.GELU()` default):
 * x·½(1 + erf(x/√2)). Where our kernels are registered (`wasm`, `cpu`) one pass forward and one
 * backward; elsewhere, and inside a gradient of a gradient, tfjs-layers' composition of tfjs ops
 * (whose ~12 gradient kernels chain through autodiff).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.dtype !== 'float32' || !fusedKernelsUsable(GELU, GELU_GRAD)) {
    return tf.tidy(() => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))));
  }
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input] = args as tf.Tensor[];
    save([input]);
    const value = tf.engine().runKernel(GELU, { x: input }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.engine().runKernel(GELU_GRAD, { x: saved[0], dy }) as tf.Tensor;
    return { value, gradFunc };
  });
  return (fused as (t: tf.Tensor) => tf.Tensor)(x);
}
