import * as tf from '@tensorflow/tfjs';
import {
  ClassificationMetrics,
  type ClassificationMetricsOptions,
  type ClassificationReport,
} from './classification-metrics.js';
import type { LabelledBatch } from './labelled-batch.js';
import type { ScoreKind } from './scores.js';

export interface EvaluateClassifierOptions
  extends Omit<ClassificationMetricsOptions, 'numClasses' | 'from'> {
  /** Default: the size of the model's output. */
  numClasses?: number;
  /** Default: `probabilities` when the output layer applies softmax, else `logits`. */
  from?: ScoreKind;
}

/**
 * Runs `model` in inference mode over `batches` and returns every classification metric (see
 * {@link ClassificationMetrics}). Each batch's tensors are disposed once used; nothing leaks.
 */
export function evaluateClassifier(
  model: tf.LayersModel,
  batches: Iterable<LabelledBatch>,
  options: EvaluateClassifierOptions = {},
): ClassificationReport {
  const metrics = new ClassificationMetrics({
    ...options,
    numClasses: options.numClasses ?? (model.outputs[0].shape.at(-1) as number),
    from: options.from ?? outputKind(model),
  });
  for (const batch of batches) {
    try {
      const scores = tf.tidy(() => model.predict(batch.images) as tf.Tensor);
      try {
        metrics.update(batch.labels, scores);
      } finally {
        scores.dispose();
      }
    } finally {
      tf.dispose([batch.images, batch.labels]);
    }
  }
  return metrics.result();
}

/** `probabilities` when the model's last layer ends in a softmax, else `logits`. */
export function outputKind(model: tf.LayersModel): ScoreKind {
  const last = model.layers.at(-1);
  const config = last?.getConfig() as { activation?: unknown } | undefined;
  return last?.getClassName() === 'Softmax' || config?.activation === 'softmax'
    ? 'probabilities'
    : 'logits';
}
