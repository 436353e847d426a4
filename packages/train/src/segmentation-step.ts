import type { SegmentationBatch } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import type { Optimizer } from './optimizer.js';
import { resizeToMask } from './resize-to-mask.js';
import { type SegmentationLossOptions, segmentationLoss } from './segmentation-loss.js';
import { stepGradients } from './step-gradients.js';

export interface SegmentationStepOutcome {
  loss: number;
  gradientNorm: number;
  /** Pixels whose top-scoring class (main head) is their mask's, ignored pixels left out. */
  correct: number;
  /** Pixels that count: those not ignored. */
  counted: number;
  /** False when the loss or the gradient was not finite: then no weight was changed. */
  applied: boolean;
}

/**
 * One optimizer step on a batch of images and masks: forward in training mode, the
 * segmentation loss of the model's outputs (main, and auxiliary head when the model has two),
 * gradients, and, only when everything is finite, the update, as `trainingStep` does for
 * classification. `beforeUpdate` runs between the two (a test hook).
 */
export async function segmentationStep(options: {
  model: tf.LayersModel;
  optimizer: Optimizer;
  batch: SegmentationBatch;
  loss: SegmentationLossOptions;
  learningRate: number;
  beforeUpdate?: () => Promise<void>;
  /** The training-mode forward pass. Default `model.apply(images, { training: true })`. */
  forward?: (images: tf.Tensor) => tf.Tensor;
}): Promise<SegmentationStepOutcome> {
  const { model, optimizer, batch } = options;
  const { value, grads, summary } = stepGradients(optimizer.variables, () => {
    const output =
      options.forward?.(batch.images) ??
      (model.apply(batch.images, { training: true }) as tf.Tensor | tf.Tensor[]);
    const outputs = Array.isArray(output) ? output : [output];
    const [height, width] = batch.masks.shape.slice(1) as [number, number];
    const predicted = tf.argMax(resizeToMask(outputs[0], height, width), -1);
    const counted = tf.cast(tf.notEqual(batch.masks, options.loss.ignoreIndex ?? 255), 'float32');
    return {
      loss: segmentationLoss(outputs, batch.masks, options.loss),
      correct: tf.sum(tf.mul(tf.cast(tf.equal(predicted, batch.masks), 'float32'), counted)),
      counted: tf.sum(counted),
    };
  });
  try {
    const [loss, squaredNorm, correct, counted] = await summary.data();
    const outcome = {
      loss,
      gradientNorm: Math.sqrt(squaredNorm),
      correct,
      counted,
      applied: false,
    };
    if (!Number.isFinite(loss) || !Number.isFinite(squaredNorm)) return outcome;
    await options.beforeUpdate?.();
    optimizer.apply(grads, options.learningRate);
    return { ...outcome, applied: true };
  } finally {
    tf.dispose([value, summary, ...grads]);
  }
}
