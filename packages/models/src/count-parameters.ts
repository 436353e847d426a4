import * as tf from '@tensorflow/tfjs';

export interface ParameterCount {
  trainable: number;
  nonTrainable: number;
  total: number;
}

/** Trainable, non-trainable (e.g. batch-norm moving statistics) and total parameters. */
export function countParameters(model: tf.LayersModel): ParameterCount {
  const size = (weights: tf.LayerVariable[]) =>
    weights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
  const trainable = size(model.trainableWeights);
  const nonTrainable = size(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}
