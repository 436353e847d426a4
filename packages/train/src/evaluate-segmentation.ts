import {
  type Normalization,
  type SegmentationSplit,
  segmentationBatches,
} from '@residual/datasets';
import { SegmentationMetrics, type SegmentationReport } from '@residual/metrics';
import * as tf from '@tensorflow/tfjs';
import { resizeToMask } from './resize-to-mask.js';
import { pixelCrossEntropy } from './segmentation-loss.js';

export interface EvaluateSegmentationOptions {
  numClasses: number;
  classNames?: readonly string[];
  normalization?: Normalization;
  /** Default 32. */
  batchSize?: number;
}

/** Every segmentation metric of a split (see `SegmentationReport`), and the loss. */
export interface SegmentationEvaluation extends SegmentationReport {
  /** Mean per-pixel softmax cross-entropy of the main head over the pixels not ignored. */
  loss: number;
}

/**
 * Runs a segmentation model in inference mode over every image of `split`: the main head's
 * logits (the first output of a model with an auxiliary head), resized to the masks when
 * smaller, give the predicted classes and the cross-entropy. Leaves no tensors behind.
 */
export function evaluateSegmentation(
  model: tf.LayersModel,
  split: SegmentationSplit,
  options: EvaluateSegmentationOptions,
): SegmentationEvaluation {
  const metrics = new SegmentationMetrics({
    numClasses: options.numClasses,
    classNames: options.classNames,
  });
  let lossSum = 0;
  for (const batch of segmentationBatches(split, {
    batchSize: options.batchSize ?? 32,
    normalization: options.normalization,
  })) {
    try {
      const [classes, loss] = tf.tidy(() => {
        const output = model.predict(batch.images);
        const [height, width] = batch.masks.shape.slice(1) as [number, number];
        const logits = resizeToMask(Array.isArray(output) ? output[0] : output, height, width);
        const counted = tf.sum(tf.notEqual(batch.masks, 255));
        return [tf.argMax(logits, -1), tf.mul(pixelCrossEntropy(logits, batch.masks), counted)];
      });
      try {
        metrics.update(batch.masks, classes);
        lossSum += loss.dataSync()[0];
      } finally {
        tf.dispose([classes, loss]);
      }
    } finally {
      tf.dispose([batch.images, batch.masks]);
    }
  }
  const report = metrics.result();
  return { ...report, loss: report.pixels === 0 ? Number.NaN : lossSum / report.pixels };
}
