import type { SgdMomentum } from '@residual/train';
import * as tf from '@tensorflow/tfjs';

/**
 * One training step as `residual train` takes it, less its bookkeeping: the loss's gradients,
 * the loss read (the trainer reads it to check it is finite), then `optimizer`'s update at
 * learning rate 0.01. PyTorch's side times zero_grad, forward, backward and `SGD.step`.
 */
export function sgdStep(optimizer: SgdMomentum, loss: () => tf.Scalar): void {
  const { value, grads } = tf.variableGrads(loss, optimizer.variables);
  value.dataSync();
  optimizer.apply(
    optimizer.variables.map((variable) => grads[variable.name]),
    0.01,
  );
  tf.dispose([value, ...Object.values(grads)]);
}
