/**
 * A kernel of ours (tfjs has none by this name): the gradient of Relu in one pass. Inputs x
 * and dy (same shape, float32); output dx. tfjs computes `dy · step(x)` as two full-size
 * kernels and an intermediate tensor; in a ResNet training step that is one pass too many per
 * ReLU.
 */
export const RELU_GRAD = 'ResidualReluGrad';

/**
 * dx = dy · step(x), bit for bit as tfjs's cpu backend: dy where x > 0, NaN where x is NaN,
 * else dy · 0 (−0 for a negative dy, NaN for an infinite one).
 */
export function reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const value = x[i];
    dx[i] = dy[i] * (value > 0 ? 1 : Number.isNaN(value) ? value : 0);
  }
}
