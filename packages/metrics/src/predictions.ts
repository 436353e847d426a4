import * as tf from '@tensorflow/tfjs';
import { MetricsError } from './metrics-error.js';

/** Class scores [N, C] (logits or probabilities) or class indices [N]. */
export type Predictions = tf.Tensor | ArrayLike<number>;
/** True class indices [N]. */
export type Labels = tf.Tensor | ArrayLike<number>;

/** The predicted class of each row: argmax of [N, C] scores, or the indices themselves. */
export function predictedClasses(predictions: Predictions): Int32Array {
  if (predictions instanceof tf.Tensor) {
    if (predictions.rank === 1) return Int32Array.from(predictions.dataSync());
    if (predictions.rank !== 2) {
      throw new MetricsError(
        `Predictions must be [N, classes] scores or [N] classes, got shape [${predictions.shape}].`,
      );
    }
    const argmax = tf.argMax(predictions, 1);
    const classes = Int32Array.from(argmax.dataSync());
    argmax.dispose();
    return classes;
  }
  return Int32Array.from(predictions);
}

/** True class indices as integers, checked to lie in [0, numClasses) when given. */
export function labelValues(labels: Labels, numClasses?: number): Int32Array {
  const values = Int32Array.from(labels instanceof tf.Tensor ? labels.dataSync() : labels);
  if (numClasses !== undefined) {
    const bad = values.findIndex((v) => v < 0 || v >= numClasses);
    if (bad >= 0)
      throw new MetricsError(
        `Label ${values[bad]} at ${bad} is outside the ${numClasses} classes.`,
      );
  }
  return values;
}

/** Throws unless there is one label per prediction. */
export function checkSameLength(labels: number, predictions: number): void {
  if (labels !== predictions) {
    throw new MetricsError(`${labels} labels for ${predictions} predictions.`);
  }
}
