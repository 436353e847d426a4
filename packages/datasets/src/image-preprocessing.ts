import type { DecodedImage } from './decode-image.js';
import type { Normalization } from './image-dataset.js';
import { type Interpolation, resample } from './resample.js';

/**
 * How a pretrained model expects its images, as the library that trained it defines it:
 * resize, centre crop, then `(x / 255 − mean) / std` per channel (applied by `batches`).
 */
export interface ImagePreprocessing {
  /** Where these settings come from, e.g. `torchvision`. */
  source: string;
  /** Side of the square image the model sees (224 for ImageNet models). */
  size: number;
  /**
   * Resize the shorter side to ⌊size / cropFraction⌋ (aspect kept), then crop the centre
   * size×size (torchvision and timm: 224 of 256 is 0.875). Undefined: resize the whole
   * image to size×size, as Keras does.
   */
  cropFraction?: number;
  interpolation: Interpolation;
  normalization: Normalization;
}

/** The same preprocessing for a model fed `size`×`size` images (the crop fraction kept). */
export function withImageSize(preprocessing: ImagePreprocessing, size: number): ImagePreprocessing {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`size must be a positive integer, got ${size}.`);
  }
  return { ...preprocessing, size };
}

/**
 * Resizes and crops `image` as `preprocessing` says: the size×size×3 RGB bytes the model's
 * input pipeline normalises (alpha dropped).
 */
export function preprocessImage(
  image: DecodedImage,
  preprocessing: ImagePreprocessing,
): Uint8Array {
  const { size, cropFraction, interpolation } = preprocessing;
  let resized: DecodedImage;
  let top = 0;
  let left = 0;
  if (cropFraction === undefined) {
    resized = resample(image, size, size, interpolation);
  } else {
    // torchvision's Resize(int) and timm's transforms: the shorter side to the scale size.
    const scaleSize = Math.floor(size / cropFraction);
    const shorter = Math.min(image.height, image.width);
    const height =
      image.height === shorter ? scaleSize : Math.floor((scaleSize * image.height) / shorter);
    const width =
      image.width === shorter ? scaleSize : Math.floor((scaleSize * image.width) / shorter);
    resized = resample(image, Math.max(height, size), Math.max(width, size), interpolation);
    // torchvision's CenterCrop rounds the offset to the nearest pixel.
    top = Math.round((resized.height - size) / 2);
    left = Math.round((resized.width - size) / 2);
  }
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = ((top + y) * resized.width + left + x) * 4;
      const to = (y * size + x) * 3;
      rgb[to] = resized.rgba[from];
      rgb[to + 1] = resized.rgba[from + 1];
      rgb[to + 2] = resized.rgba[from + 2];
    }
  }
  return rgb;
}
