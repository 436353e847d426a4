import * as tf from '@tensorflow/tfjs';
import { gradientDepth } from './gradient-depth.js';

/**
 * Whether a fused op may run its kernels: each of `kernelNames` is registered on the active
 * backend, and we are not inside a gradient of a gradient (our gradient kernels have no gradient
 * of their own, so there the op falls back to tfjs ops that autodiff can differentiate again).
 */
export function fusedKernelsUsable(...kernelNames: string[]): boolean {
  if (gradientDepth() > 1) return false;
  const backend = tf.getBackend();
  return kernelNames.every((name) => tf.getKernel(name, backend) !== undefined);
}
