import { rgbToGrey } from './grey.js';
import type { ImageDataset, ImageSplit, Normalization } from './image-dataset.js';
import { computeNormalization } from './normalization.js';
import { resample } from './resample.js';

/** The image shape a data set is brought to; an option left out keeps the images' own. */
export interface ImageShapeOptions {
  /** Resize every image to size×size. */
  size?: number;
  /** 1 (grey) or 3 (RGB). */
  channels?: 1 | 3;
}

/**
 * Every split of `dataset` as torchvision's `Resize((size, size))` then `Grayscale` would give
 * it: bilinear as PIL resizes (antialiased when shrinking), grey repeated to three channels
 * (`Grayscale(num_output_channels=3)`) or RGB to its luma. This is how a network built for
 * 32×32×3 CIFAR images trains on the 28×28×1 digits. The normalization follows the channels:
 * grey statistics repeated for three, the luma's own computed from the training images for one;
 * a resize alone keeps them (it barely moves a mean).
 * @throws RangeError for a size that is not a positive integer or channels other than 1 and 3.
 */
export function resizeDataset(dataset: ImageDataset, options: ImageShapeOptions): ImageDataset {
  const [, , channels] = dataset.train.imageShape;
  const train = resizeSplit(dataset.train, options);
  const resized: ImageDataset = {
    ...dataset,
    train,
    test: resizeSplit(dataset.test, options),
    normalization: convertedNormalization(dataset.normalization, channels, train),
  };
  if (dataset.validation !== undefined) {
    resized.validation = resizeSplit(dataset.validation, options);
  }
  return resized;
}

/** One split's images resized and converted as `resizeDataset` says; the split itself when nothing changes. */
export function resizeSplit(split: ImageSplit, options: ImageShapeOptions): ImageSplit {
  const [height, width, channels] = split.imageShape;
  const size = options.size;
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    throw new RangeError(`size must be a positive integer, got ${size}.`);
  }
  const outChannels = options.channels ?? channels;
  if (outChannels !== 1 && outChannels !== 3) {
    throw new RangeError(`channels must be 1 or 3, got ${outChannels}.`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`images must have 1 or 3 channels, these have ${channels}.`);
  }
  const outHeight = size ?? height;
  const outWidth = size ?? width;
  if (outHeight === height && outWidth === width && outChannels === channels) return split;

  const inPixels = height * width;
  const outPixels = outHeight * outWidth;
  const images = new Uint8Array(split.count * outPixels * outChannels);
  const rgba = new Uint8Array(inPixels * 4);
  const rgb = new Uint8Array(outPixels * 3);
  for (let i = 0; i < split.count; i++) {
    const source = split.images.subarray(i * inPixels * channels, (i + 1) * inPixels * channels);
    for (let p = 0; p < inPixels; p++) {
      // A grey pixel is R = G = B, as PIL's convert('RGB') makes it.
      rgba[4 * p] = source[p * channels];
      rgba[4 * p + 1] = source[p * channels + (channels === 3 ? 1 : 0)];
      rgba[4 * p + 2] = source[p * channels + (channels === 3 ? 2 : 0)];
      rgba[4 * p + 3] = 255;
    }
    const resized = resample({ width, height, rgba }, outHeight, outWidth, 'bilinear').rgba;
    for (let p = 0; p < outPixels; p++) {
      rgb[3 * p] = resized[4 * p];
      rgb[3 * p + 1] = resized[4 * p + 1];
      rgb[3 * p + 2] = resized[4 * p + 2];
    }
    const target = images.subarray(i * outPixels * outChannels, (i + 1) * outPixels * outChannels);
    target.set(outChannels === 3 ? rgb : rgbToGrey(rgb));
  }
  return { ...split, images, imageShape: [outHeight, outWidth, outChannels] };
}

function convertedNormalization(
  normalization: Normalization,
  channels: number,
  train: ImageSplit,
): Normalization {
  const outChannels = train.imageShape[2];
  if (outChannels === channels) return normalization;
  if (channels === 1) {
    return {
      mean: Array.from({ length: outChannels }, () => normalization.mean[0]),
      std: Array.from({ length: outChannels }, () => normalization.std[0]),
    };
  }
  return computeNormalization(train);
}
