/**
 * Images of one split (train, test, …) held as raw bytes: `images` is N×H×W×C uint8 in
 * row-major NHWC order, `labels` holds one class index per image. Batches are converted to
 * float32 one at a time, so a split costs one byte per pixel in memory.
 */
export interface ImageSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** [height, width, channels] of one image. */
  imageShape: readonly [number, number, number];
}

/** Per-channel statistics of pixel values scaled to [0, 1]: x' = (x / 255 − mean) / std. */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/** A labelled image data set with its splits and what a model needs to know about it. */
export interface ImageDataset {
  name: string;
  train: ImageSplit;
  test: ImageSplit;
  /** Images held out of the training set for model selection, when asked for. */
  validation?: ImageSplit;
  numClasses: number;
  classNames: readonly string[];
  normalization: Normalization;
}

/** The number of values in one image. */
export function imageSize(split: ImageSplit): number {
  const [height, width, channels] = split.imageShape;
  return height * width * channels;
}
