import { Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from './augmentation.js';
import { type ImageSplit, imageSize, type Normalization } from './image-dataset.js';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order each epoch (seeded by `seed` and `epoch`). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /** Which epoch's order to produce; with the same seed, each epoch has its own order. */
  epoch?: number;
  /** Scales bytes to [0, 1], then subtracts the mean and divides by the std per channel. */
  normalization?: Normalization;
  /** Skip the last batch when it is smaller than `batchSize`. Default false. */
  dropRemainder?: boolean;
  /** Start at this batch of the epoch (to resume mid-epoch). Default 0. */
  startBatch?: number;
  /**
   * Changes each batch's raw bytes before conversion (random crops, flips). Its random choices
   * are seeded by (seed, epoch, batch), so a resumed run augments exactly as before.
   */
  augmentation?: Augmentation;
}

export interface Batch {
  /** float32 [batch, height, width, channels], normalised. */
  images: tf.Tensor4D;
  /** int32 [batch] class indices. */
  labels: tf.Tensor1D;
  /** Positions of these images in the split. */
  indices: Int32Array;
}

/**
 * The order of `count` items in `epoch`: a seeded permutation, the same for the same
 * (seed, epoch) on every machine.
 */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Mixing the epoch into the seed keeps each epoch's order independent of the others, so a
  // resumed run needs only (seed, epoch, batch) to continue.
  return new Rng(mixSeed(seed, epoch, -1)).shuffle(order);
}

/** One 32-bit seed from a run seed, an epoch and a batch index (-1: the epoch's order). */
export function mixSeed(seed: number, epoch: number, batch: number): number {
  return (
    (Math.imul(seed >>> 0, 0x9e3779b1) ^
      Math.imul(epoch + 1, 0x85ebca77) ^
      Math.imul(batch + 1, 0xc2b2ae3d)) >>>
    0
  );
}

/** Number of batches one epoch of `split` gives. */
export function batchCount(
  split: ImageSplit,
  options: Pick<BatchOptions, 'batchSize' | 'dropRemainder'>,
): number {
  return options.dropRemainder
    ? Math.floor(split.count / options.batchSize)
    : Math.ceil(split.count / options.batchSize);
}

/**
 * Yields the batches of one epoch. Bytes stay uint8 in the split; each batch is converted to
 * float32 when it is produced. The caller disposes each batch's tensors.
 */
export function* batches(split: ImageSplit, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const order = options.shuffle
    ? epochOrder(split.count, options.seed ?? 0, options.epoch ?? 0)
    : Int32Array.from({ length: split.count }, (_, i) => i);
  const total = batchCount(split, options);
  const lookup = normalizationTable(split.imageShape[2], options.normalization);
  for (let b = options.startBatch ?? 0; b < total; b++) {
    const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, split.count));
    const bytes = gatherImages(split, indices);
    const shape = [indices.length, ...split.imageShape] as [number, number, number, number];
    options.augmentation?.(
      bytes,
      shape,
      new Rng(mixSeed(options.seed ?? 0, options.epoch ?? 0, b)),
    );
    yield {
      images: tf.tensor4d(toFloat(bytes, split.imageShape[2], lookup), shape),
      labels: tf.tensor1d(
        Int32Array.from(indices, (i) => split.labels[i]),
        'int32',
      ),
      indices,
    };
  }
}

/** One 256-entry table per channel: byte -> normalised float. */
export function normalizationTable(
  channels: number,
  normalization?: Normalization,
): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const mean = normalization?.mean[c] ?? 0;
    const std = normalization?.std[c] ?? 1;
    return Float32Array.from({ length: 256 }, (_, byte) => (byte / 255 - mean) / std);
  });
}

/** Copies the raw bytes of the images at `indices`, in that order. */
function gatherImages(split: ImageSplit, indices: Int32Array): Uint8Array {
  const size = imageSize(split);
  const bytes = new Uint8Array(indices.length * size);
  indices.forEach((index, row) => {
    bytes.set(split.images.subarray(index * size, (index + 1) * size), row * size);
  });
  return bytes;
}

export function toFloat(bytes: Uint8Array, channels: number, lookup: Float32Array[]): Float32Array {
  const out = new Float32Array(bytes.length);
  if (channels === 1) {
    const table = lookup[0];
    for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  } else if (channels === 3) {
    // RGB is the common case: one table per channel without a modulo per byte.
    const [red, green, blue] = lookup;
    for (let i = 0; i < bytes.length; i += 3) {
      out[i] = red[bytes[i]];
      out[i + 1] = green[bytes[i + 1]];
      out[i + 2] = blue[bytes[i + 2]];
    }
  } else {
    for (let i = 0; i < bytes.length; i++) out[i] = lookup[i % channels][bytes[i]];
  }
  return out;
}
