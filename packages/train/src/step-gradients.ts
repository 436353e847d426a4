// The gradient half of a training step, shared by trainingStep (images), languageStep (text)
// and segmentationStep (masks): the loss's gradients in the optimizer's order and one summary
// tensor to read.
import * as tf from '@tensorflow/tfjs';

export interface StepGradients {
  value: tf.Scalar;
  /** One gradient per variable, in the variables' order. */
  grads: tf.Tensor[];
  /**
   * [loss, squared global gradient norm, correct count], then the counted total when the
   * forward pass gives one: one read per step.
   */
  summary: tf.Tensor;
}

/**
 * Gradients of `forward`'s loss with respect to `variables`, with its correct-prediction count
 * and, for per-pixel losses, the number of predictions counted (computed on the same
 * training-mode forward pass). The caller disposes every tensor returned.
 */
export function stepGradients(
  variables: tf.Variable[],
  forward: () => { loss: tf.Scalar; correct: tf.Tensor; counted?: tf.Tensor },
): StepGradients {
  return tf.tidy(() => {
    let counts: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const outputs = forward();
      counts = [outputs.correct, ...(outputs.counted === undefined ? [] : [outputs.counted])];
      for (const count of counts) tf.keep(count);
      return outputs.loss;
    }, variables);
    const ordered = variables.map((variable) => grads[variable.name]);
    const squaredNorm = tf.addN(ordered.map((gradient) => tf.sum(tf.square(gradient))));
    const summary = tf.stack([value, squaredNorm, ...counts]);
    tf.dispose(counts);
    return { value, grads: ordered, summary };
  });
}
