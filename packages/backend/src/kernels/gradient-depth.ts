import * as tf from '@tensorflow/tfjs';

/**
 * How many gradient computations tfjs is nested in: 0 outside any, 1 in the forward pass of a
 * first-order gradient, 2 in that of a gradient of a gradient. Backward passes run one level
 * below their forward pass. tfjs keeps it in an untyped engine field.
 */
export function gradientDepth(): number {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth;
}
