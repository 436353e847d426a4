// The training half of the depth and initialisation studies: plain SGD with momentum on
// softmax cross-entropy, one loss read per step.
import * as tf from '@tensorflow/tfjs';
import type { LabelledBatch } from './labelled-batch.js';

/**
 * `steps` steps of SGD with momentum at `rateAt(step)`, on softmax cross-entropy of
 * `forward(images)` (default: the model in training mode); stops at a non-finite loss.
 * Every batch is disposed after its step.
 */
export async function momentumSteps(options: {
  model: tf.LayersModel;
  steps: number;
  rateAt: (step: number) => number;
  momentum: number;
  batch: (step: number) => LabelledBatch;
  forward?: (images: tf.Tensor) => tf.Tensor;
  onStep: (step: number, loss: number) => void;
}): Promise<{ losses: number[]; diverged: boolean }> {
  const { model, rateAt } = options;
  const losses: number[] = [];
  if (options.steps === 0) return { losses, diverged: false };
  const optimizer = tf.train.momentum(rateAt(0), options.momentum);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const classes = model.outputs[0].shape.at(-1) as number;
  const forward =
    options.forward ??
    ((images: tf.Tensor) => model.apply(images, { training: true }) as tf.Tensor);
  try {
    for (let step = 0; step < options.steps; step++) {
      if (step > 0 && rateAt(step) !== rateAt(step - 1)) optimizer.setLearningRate(rateAt(step));
      const batch = options.batch(step);
      let loss: tf.Scalar;
      try {
        loss = optimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              tf.oneHot(tf.cast(batch.labels, 'int32'), classes),
              forward(batch.images),
            ) as tf.Scalar,
          true,
          variables,
        ) as tf.Scalar;
      } finally {
        tf.dispose([batch.images, batch.labels]);
      }
      const value = (await loss.data())[0];
      loss.dispose();
      losses.push(value);
      options.onStep(step + 1, value);
      if (!Number.isFinite(value)) return { losses, diverged: true };
    }
  } finally {
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar of its SGD base.
    (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
  }
  return { losses, diverged: false };
}
