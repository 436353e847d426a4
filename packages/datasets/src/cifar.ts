import { DatasetError } from './dataset-error.js';
import type { ImageSplit } from './image-dataset.js';

/** CIFAR images are 32×32 RGB. */
const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR_IMAGE_BYTES = 3 * PLANE;

/**
 * The two record layouts of the CIFAR binary version (Krizhevsky 2009, "binary version" on
 * https://www.cs.toronto.edu/~kriz/cifar.html): CIFAR-10 records are one label byte and
 * 3,072 pixel bytes; CIFAR-100 records are a coarse (superclass) label byte, a fine label byte,
 * then the pixels. Pixels are stored plane by plane: 1,024 red, 1,024 green, 1,024 blue, each
 * plane row-major.
 */
export const CIFAR_LAYOUTS = {
  cifar10: { labelBytes: 1, classes: 10, coarseClasses: 0 },
  cifar100: { labelBytes: 2, classes: 100, coarseClasses: 20 },
} as const;

export type CifarVariant = keyof typeof CIFAR_LAYOUTS;

export interface CifarRecords {
  /** The images (N×32×32×3, NHWC) and their labels (CIFAR-100: the fine labels). */
  split: ImageSplit;
  /** CIFAR-100 only: the 20 superclass labels, one per image. */
  coarseLabels?: Uint8Array;
}

export interface ParseCifarOptions {
  variant: CifarVariant;
  /** Used in error messages only. */
  fileName: string;
  /**
   * The number of records the file must hold. A CIFAR file has no header, so only this
   * catches a file that was cut exactly at a record boundary.
   */
  expectedCount?: number;
}

/** Bytes of one record of `variant`. */
export function cifarRecordBytes(variant: CifarVariant): number {
  return CIFAR_LAYOUTS[variant].labelBytes + CIFAR_IMAGE_BYTES;
}

/**
 * Parses one file of the CIFAR binary version (e.g. `data_batch_1.bin`, `train.bin`) into
 * NHWC images and labels. Checks the length, the record count when one is expected, and every
 * label against the number of classes.
 * @throws DatasetError naming the file and the problem.
 */
export function parseCifar(bytes: Uint8Array, options: ParseCifarOptions): CifarRecords {
  const count = cifarRecordCount(bytes.length, options);
  const split: ImageSplit = {
    images: new Uint8Array(count * CIFAR_IMAGE_BYTES),
    labels: new Uint8Array(count),
    count,
    imageShape: [SIDE, SIDE, 3],
  };
  const coarseLabels = options.variant === 'cifar100' ? new Uint8Array(count) : undefined;
  copyCifarRecords(bytes, options, { ...split, coarseLabels }, 0);
  return coarseLabels === undefined ? { split } : { split, coarseLabels };
}

/**
 * How many records a file of `length` bytes holds; throws when the length is not a whole
 * number of records or differs from the expected count.
 */
export function cifarRecordCount(length: number, options: ParseCifarOptions): number {
  const { variant, fileName, expectedCount } = options;
  const recordBytes = cifarRecordBytes(variant);
  if (length === 0 || length % recordBytes !== 0) {
    const whole = Math.floor(length / recordBytes);
    throw new DatasetError(
      `${fileName}: ${length} bytes is not a whole number of ${variant} records of ${recordBytes} bytes ` +
        `(${whole} records and ${length - whole * recordBytes} bytes left over): truncated, or not a ${variant} binary file.`,
    );
  }
  const count = length / recordBytes;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new DatasetError(
      `${fileName}: expected ${expectedCount} ${variant} records, found ${count} (${count < expectedCount ? 'truncated' : 'trailing data'}).`,
    );
  }
  return count;
}

/**
 * Decodes the records of `bytes` into `target` starting at image `at`: labels are checked, and
 * pixels are moved from CIFAR's planar layout (RRR…GGG…BBB…) to NHWC (RGBRGB…).
 */
export function copyCifarRecords(
  bytes: Uint8Array,
  options: ParseCifarOptions,
  target: { images: Uint8Array; labels: Uint8Array; coarseLabels?: Uint8Array },
  at: number,
): number {
  const count = cifarRecordCount(bytes.length, options);
  const layout = CIFAR_LAYOUTS[options.variant];
  const recordBytes = layout.labelBytes + CIFAR_IMAGE_BYTES;
  for (let n = 0; n < count; n++) {
    const record = n * recordBytes;
    const label = bytes[record + layout.labelBytes - 1];
    if (label >= layout.classes) {
      throw new DatasetError(
        `${options.fileName}: label ${label} of record ${n} is outside the ${layout.classes} classes 0-${layout.classes - 1}.`,
      );
    }
    target.labels[at + n] = label;
    if (layout.coarseClasses > 0) {
      const coarse = bytes[record];
      if (coarse >= layout.coarseClasses) {
        throw new DatasetError(
          `${options.fileName}: coarse label ${coarse} of record ${n} is outside the ${layout.coarseClasses} superclasses 0-${layout.coarseClasses - 1}.`,
        );
      }
      if (target.coarseLabels !== undefined) target.coarseLabels[at + n] = coarse;
    }
    const pixels = record + layout.labelBytes;
    const out = (at + n) * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < PLANE; p++) {
      const o = out + 3 * p;
      target.images[o] = bytes[pixels + p];
      target.images[o + 1] = bytes[pixels + PLANE + p];
      target.images[o + 2] = bytes[pixels + 2 * PLANE + p];
    }
  }
  return count;
}
