import { batches, type ImageSplit, type Normalization } from '@residual/datasets';
import { ConfusionMatrix } from '@residual/metrics';
import * as tf from '@tensorflow/tfjs';

export interface EvaluateOptions {
  numClasses: number;
  normalization?: Normalization;
  /** Default 256. */
  batchSize?: number;
}

export interface Evaluation {
  /** Mean softmax cross-entropy. */
  loss: number;
  accuracy: number;
  confusionMatrix: ConfusionMatrix;
}

/** Runs `model` in inference mode over every image of `split`. Leaves no tensors behind. */
export function evaluate(
  model: tf.LayersModel,
  split: ImageSplit,
  options: EvaluateOptions,
): Evaluation {
  const confusionMatrix = new ConfusionMatrix(options.numClasses);
  let lossSum = 0;
  for (const batch of batches(split, {
    batchSize: options.batchSize ?? 256,
    normalization: options.normalization,
  })) {
    const [logits, loss] = tf.tidy(() => {
      const output = model.predict(batch.images) as tf.Tensor;
      const oneHot = tf.oneHot(batch.labels, options.numClasses);
      return [
        output,
        tf.losses.softmaxCrossEntropy(oneHot, output, undefined, undefined, tf.Reduction.SUM),
      ];
    });
    confusionMatrix.update(batch.labels, logits);
    lossSum += loss.dataSync()[0];
    tf.dispose([logits, loss, batch.images, batch.labels]);
  }
  return { loss: lossSum / split.count, accuracy: confusionMatrix.accuracy(), confusionMatrix };
}
