import type * as tf from '@tensorflow/tfjs';

/** Images and their true class indices: what a data pipeline yields for one step. */
export interface LabelledBatch {
  /** Model inputs, e.g. float32 [N, height, width, channels]. */
  images: tf.Tensor;
  /** int32 [N] class indices. */
  labels: tf.Tensor;
}
