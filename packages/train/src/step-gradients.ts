// The gradient half of a training step, shared by trainingStep (images) and languageStep
// (text): the loss's gradients in the optimizer's order and one summary tensor to read.
import * as tf from '@tensorflow/tfjs';

export interface StepGradients {
  value: tf.Scalar;
  /** One gradient per variable, in the variables' order. */
  grads: tf.Tensor[];
  /** [loss, squared global gradient norm, correct count]: one read per step. */
  summary: tf.Tensor;
}

/**
 * Gradients of `forward`'s loss with respect to `variables`, with its correct-prediction count
 * (computed on the same training-mode forward pass). The caller disposes every tensor returned.
 */
export function stepGradients(
  variables: tf.Variable[],
  forward: () => { loss: tf.Scalar; correct: tf.Tensor },
): StepGradients {
  return tf.tidy(() => {
    let correct: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const outputs = forward();
      correct = tf.keep(outputs.correct);
      return outputs.loss;
    }, variables);
    const ordered = variables.map((variable) => grads[variable.name]);
    const squaredNorm = tf.addN(ordered.map((gradient) => tf.sum(tf.square(gradient))));
    const summary = tf.stack([value, squaredNorm, correct as tf.Tensor]);
    tf.dispose(correct);
    return { value, grads: ordered, summary };
  });
}
