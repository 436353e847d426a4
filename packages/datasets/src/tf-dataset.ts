import * as tf from '@tensorflow/tfjs';
import { type BatchOptions, batches } from './batches.js';
import type { ImageSplit } from './image-dataset.js';

export interface TfDatasetOptions extends Omit<BatchOptions, 'epoch' | 'startBatch'> {
  /** Number of classes, for one-hot labels. */
  numClasses: number;
  /** `ys` as one-hot float32 [batch, classes] (default, for categoricalCrossentropy) or int32 [batch]. */
  labels?: 'one-hot' | 'sparse';
  /** The epoch the first iteration produces. Default 0. */
  firstEpoch?: number;
}

/**
 * A `tf.data.Dataset` of `{ xs, ys }` batches over `split`, for `model.fitDataset`. Each
 * iteration over it (fitDataset starts one per epoch) is the next epoch of `batches`: shuffled
 * with (seed, epoch), augmented, converted from bytes one batch at a time, so the split is never
 * held as one float32 tensor and the same seed gives the same batches on every machine.
 *
 * ```ts
 * await model.fitDataset(toTfDataset(cifar.train, { batchSize: 128, shuffle: true, seed: 1,
 *   numClasses: 10, normalization: cifar.normalization, augmentation: cifarAugmentation }),
 *   { epochs: 3 });
 * ```
 */
export function toTfDataset(
  split: ImageSplit,
  options: TfDatasetOptions,
): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }> {
  let epoch = options.firstEpoch ?? 0;
  const { numClasses, labels = 'one-hot' } = options;
  return tf.data.generator(function* () {
    const batchOptions = { ...options, epoch: epoch++ };
    for (const batch of batches(split, batchOptions)) {
      let ys: tf.Tensor = batch.labels;
      if (labels === 'one-hot') {
        ys = tf.tidy(() => tf.oneHot(batch.labels, numClasses).toFloat());
        batch.labels.dispose();
      }
      yield { xs: batch.images, ys };
    }
  } as () => Iterator<{ xs: tf.Tensor4D; ys: tf.Tensor }>);
}
