import type { Normalization } from './image-dataset.js';

/**
 * The mask value of a pixel that has no class (object borders, "difficult" regions, padding
 * added by augmentation): left out of the loss and of every metric, as Pascal VOC marks them.
 */
export const IGNORE_INDEX = 255;

/**
 * Images of one split with a class per pixel, held as raw bytes: `images` is N×H×W×C uint8
 * (NHWC, row-major) and `masks` is N×H×W uint8 class indices, `IGNORE_INDEX` where a pixel has
 * none. Batches convert images to float32 and masks to int32 one batch at a time.
 */
export interface SegmentationSplit {
  images: Uint8Array;
  masks: Uint8Array;
  count: number;
  /** [height, width, channels] of one image; its mask is height×width. */
  imageShape: readonly [number, number, number];
}

/** A data set whose labels are masks: one class per pixel instead of one per image. */
export interface SegmentationDataset {
  name: string;
  /** Tells a segmentation data set from a classification one (`ImageDataset` has none). */
  task: 'segmentation';
  train: SegmentationSplit;
  test: SegmentationSplit;
  /** Images held out of the training set for model selection, when asked for. */
  validation?: SegmentationSplit;
  /** Classes, background included (class 0 for Pascal VOC and the bundled generators). */
  numClasses: number;
  classNames: readonly string[];
  /**
   * The colour of each class for drawing masks: 256 RGB triples (768 bytes), entry 255 being
   * the colour of ignored pixels. Pascal VOC's colour map unless the files bring their own.
   */
  palette: Uint8Array;
  normalization: Normalization;
}

/** The number of pixels (mask values) of one image. */
export function maskSize(split: SegmentationSplit): number {
  return split.imageShape[0] * split.imageShape[1];
}
