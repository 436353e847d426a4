import type { Batch } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import type { SgdMomentum } from './sgd-momentum.js';
import { stepGradients } from './step-gradients.js';

export interface StepOutcome {
  loss: number;
  gradientNorm: number;
  /** Correct top-1 predictions in the batch (training-mode forward pass). */
  correct: number;
  /** False when the loss or the gradient was not finite: then no weight was changed. */
  applied: boolean;
}

/**
 * One optimizer step on `batch`: forward in training mode (which also moves the batch-norm
 * statistics), softmax cross-entropy on the logits, gradients, and, only when the loss and
 * every gradient are finite, the update. `beforeUpdate` runs between the two (a test hook).
 */
export async function trainingStep(options: {
  model: tf.LayersModel;
  optimizer: SgdMomentum;
  batch: Batch;
  numClasses: number;
  labelSmoothing: number;
  learningRate: number;
  beforeUpdate?: () => Promise<void>;
  /** The training-mode forward pass. Default `model.apply(images, { training: true })`. */
  forward?: (images: tf.Tensor) => tf.Tensor;
}): Promise<StepOutcome> {
  const { model, optimizer, batch } = options;
  const { value, grads, summary } = stepGradients(optimizer.variables, () => {
    const logits =
      options.forward?.(batch.images) ??
      (model.apply(batch.images, { training: true }) as tf.Tensor);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.labels), 'float32'));
    return {
      loss: tf.losses.softmaxCrossEntropy(
        tf.oneHot(batch.labels, options.numClasses),
        logits,
        undefined,
        options.labelSmoothing,
      ) as tf.Scalar,
      correct,
    };
  });
  try {
    const [loss, squaredNorm, correct] = await summary.data();
    const outcome = { loss, gradientNorm: Math.sqrt(squaredNorm), correct, applied: false };
    if (!Number.isFinite(loss) || !Number.isFinite(squaredNorm)) return outcome;
    await options.beforeUpdate?.();
    optimizer.apply(grads, options.learningRate);
    return { ...outcome, applied: true };
  } finally {
    tf.dispose([value, summary, ...grads]);
  }
}
