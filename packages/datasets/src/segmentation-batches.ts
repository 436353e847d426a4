import { Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { type BatchOptions, epochOrder, mixSeed, normalizationTable, toFloat } from './batches.js';
import type { SegmentationAugmentation } from './segmentation-augmentation.js';
import { maskSize, type SegmentationSplit } from './segmentation-dataset.js';

export interface SegmentationBatchOptions extends Omit<BatchOptions, 'augmentation'> {
  /**
   * Changes each batch's raw images and masks together before conversion (random scale, crop,
   * flip). Its random choices are seeded by (seed, epoch, batch), so a resumed run augments
   * exactly as before.
   */
  augmentation?: SegmentationAugmentation;
}

export interface SegmentationBatch {
  /** float32 [batch, height, width, channels], normalised. */
  images: tf.Tensor4D;
  /** int32 [batch, height, width] class indices, 255 (`IGNORE_INDEX`) where ignored. */
  masks: tf.Tensor3D;
  /** Positions of these images in the split. */
  indices: Int32Array;
}

/**
 * Yields the batches of one epoch of a segmentation split, in the same order `batches` gives
 * a classification split of the same size and options. Bytes stay uint8 in the split; each
 * batch is converted when it is produced. The caller disposes each batch's tensors.
 */
export function* segmentationBatches(
  split: SegmentationSplit,
  options: SegmentationBatchOptions,
): Generator<SegmentationBatch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const order = options.shuffle
    ? epochOrder(split.count, options.seed ?? 0, options.epoch ?? 0)
    : Int32Array.from({ length: split.count }, (_, i) => i);
  const total = options.dropRemainder
    ? Math.floor(split.count / batchSize)
    : Math.ceil(split.count / batchSize);
  const [height, width, channels] = split.imageShape;
  const lookup = normalizationTable(channels, options.normalization);
  const imageSize = height * width * channels;
  const pixels = maskSize(split);
  for (let b = options.startBatch ?? 0; b < total; b++) {
    const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, split.count));
    const images = new Uint8Array(indices.length * imageSize);
    const masks = new Uint8Array(indices.length * pixels);
    indices.forEach((index, row) => {
      images.set(
        split.images.subarray(index * imageSize, (index + 1) * imageSize),
        row * imageSize,
      );
      masks.set(split.masks.subarray(index * pixels, (index + 1) * pixels), row * pixels);
    });
    const shape = [indices.length, height, width, channels] as [number, number, number, number];
    options.augmentation?.(
      images,
      masks,
      shape,
      new Rng(mixSeed(options.seed ?? 0, options.epoch ?? 0, b)),
    );
    yield {
      images: tf.tensor4d(toFloat(images, channels, lookup), shape),
      masks: tf.tensor3d(Int32Array.from(masks), [indices.length, height, width], 'int32'),
      indices,
    };
  }
}
