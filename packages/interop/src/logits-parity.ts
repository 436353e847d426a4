import * as tf from '@tensorflow/tfjs';
import type { SourceTensor } from './source-tensor.js';
import { toFloat32 } from './source-tensor.js';

/**
 * Runs `model` on a PyTorch NCHW batch (transposed to our NHWC) and returns
 * max |ours − theirs| / max |theirs|, the parity measure.
 */
export function logitsDifference(
  model: tf.LayersModel,
  input: SourceTensor,
  reference: SourceTensor,
): number {
  return tf.tidy(() => {
    const x = tf.transpose(tf.tensor(toFloat32(input), input.shape), [0, 2, 3, 1]);
    const ours = model.predict(x) as tf.Tensor;
    const theirs = tf.tensor(toFloat32(reference), reference.shape);
    const diff = tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]!;
    const scale = tf.max(tf.abs(theirs)).dataSync()[0]!;
    return diff / scale;
  });
}
