import { Rng } from '@residual/backend';
import { stratifiedCounts } from './digits.js';
import { type ImageSplit, imageSize } from './image-dataset.js';

export interface ValidationSplitOptions {
  /** Images to hold out. */
  count: number;
  /** Seeds which images are held out. Default: a fixed seed, so the split is the same everywhere. */
  seed?: number;
  /** Number of classes, for stratification. Default: the largest label + 1. */
  numClasses?: number;
}

/** Fixes which images are held out by default; changing it changes every validation number. */
const VALIDATION_SEED = 45_000;

/**
 * Holds `count` images of `split` out for validation, each class in proportion to its size
 * (as the ResNet paper's 45k/5k split of CIFAR-10, He et al. 2015 §4.2), chosen by a seeded
 * shuffle so the split is the same on every machine. Both parts keep the original order.
 *
 * No copy is made: the images and labels of `split` are reordered in place (kept images first,
 * held-out images after them) and the two parts returned are views of them. Use the returned
 * parts, not `split`, afterwards.
 */
export function splitValidation(
  split: ImageSplit,
  options: ValidationSplitOptions,
): { train: ImageSplit; validation: ImageSplit } {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0 || count >= split.count) {
    throw new RangeError(
      `validation count must be an integer from 0 to ${split.count - 1} (fewer than the ${split.count} images), got ${count}.`,
    );
  }
  let numClasses = options.numClasses ?? 0;
  if (options.numClasses === undefined) {
    for (let i = 0; i < split.count; i++) numClasses = Math.max(numClasses, split.labels[i] + 1);
  }
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i];
    if (label >= numClasses) {
      throw new RangeError(`label ${label} of image ${i} is outside the ${numClasses} classes.`);
    }
    members[label].push(i);
  }
  const heldPerClass = stratifiedCounts(
    members.map((m) => m.length),
    count / split.count,
  );
  const held = new Uint8Array(split.count);
  members.forEach((indices, label) => {
    const rng = new Rng((options.seed ?? VALIDATION_SEED) + label);
    for (const i of rng.shuffle(indices.slice()).slice(0, heldPerClass[label])) held[i] = 1;
  });
  const order = new Int32Array(split.count);
  let kept = 0;
  for (let i = 0; i < split.count; i++) if (!held[i]) order[kept++] = i;
  let next = kept;
  for (let i = 0; i < split.count; i++) if (held[i]) order[next++] = i;
  permuteInPlace(split, order);
  const size = imageSize(split);
  const part = (from: number, to: number): ImageSplit => ({
    images: split.images.subarray(from * size, to * size),
    labels: split.labels.subarray(from, to),
    count: to - from,
    imageShape: split.imageShape,
  });
  return { train: part(0, kept), validation: part(kept, split.count) };
}

/**
 * Moves image `order[j]` to position `j` for every j, following each cycle of the permutation
 * with one image of scratch space, so a 150 MB training set needs no second copy.
 */
function permuteInPlace(split: ImageSplit, order: Int32Array): void {
  const size = imageSize(split);
  const { images, labels } = split;
  const scratch = new Uint8Array(size);
  const placed = new Uint8Array(order.length);
  for (let start = 0; start < order.length; start++) {
    if (placed[start] || order[start] === start) continue;
    scratch.set(images.subarray(start * size, (start + 1) * size));
    const scratchLabel = labels[start];
    let at = start;
    for (;;) {
      placed[at] = 1;
      const from = order[at];
      if (from === start) {
        images.set(scratch, at * size);
        labels[at] = scratchLabel;
        break;
      }
      images.copyWithin(at * size, from * size, (from + 1) * size);
      labels[at] = labels[from];
      at = from;
    }
  }
}
