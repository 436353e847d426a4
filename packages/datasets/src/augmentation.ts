import type { Rng } from '@residual/backend';

/**
 * Changes a batch of raw images in place: `images` holds `shape[0]` images of
 * `shape[1]×shape[2]×shape[3]` bytes (NHWC). Draws every random choice from `rng`, so a batch
 * is augmented the same way whenever the same generator state is given.
 */
export type Augmentation = (
  images: Uint8Array,
  shape: readonly [number, number, number, number],
  rng: Rng,
) => void;

export interface CropAndFlipOptions {
  /** Zero padding on each side before the random crop back to the original size. Default 4. */
  padding?: number;
  /** Mirror left-right with probability 1/2. Default true. */
  flip?: boolean;
}

/**
 * Pads each image with zeros, crops a random window of the original size, and mirrors it
 * left-right half of the time: the ResNet paper's CIFAR augmentation with the defaults
 * ("4 pixels are padded on each side, and a 32×32 crop is randomly sampled from the padded
 * image or its horizontal flip", He et al. 2015, §4.2).
 */
export function randomCropAndFlip({
  padding = 4,
  flip = true,
}: CropAndFlipOptions = {}): Augmentation {
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`padding must be a non-negative integer, got ${padding}.`);
  }
  return (images, [count, height, width, channels], rng) => {
    const imageSize = height * width * channels;
    const original = new Uint8Array(imageSize);
    for (let n = 0; n < count; n++) {
      const image = images.subarray(n * imageSize, (n + 1) * imageSize);
      original.set(image);
      const shiftY = rng.nextInt(2 * padding + 1) - padding;
      const shiftX = rng.nextInt(2 * padding + 1) - padding;
      const mirrored = flip && rng.nextInt(2) === 1;
      for (let y = 0; y < height; y++) {
        const sourceY = y + shiftY;
        for (let x = 0; x < width; x++) {
          const sourceX = (mirrored ? width - 1 - x : x) + shiftX;
          const target = (y * width + x) * channels;
          if (sourceY < 0 || sourceY >= height || sourceX < 0 || sourceX >= width) {
            image.fill(0, target, target + channels);
          } else {
            const source = (sourceY * width + sourceX) * channels;
            for (let c = 0; c < channels; c++) image[target + c] = original[source + c];
          }
        }
      }
    }
  };
}

/** The ResNet paper's CIFAR augmentation: pad 4, random 32×32 crop, horizontal flip. */
export const cifarAugmentation: Augmentation = randomCropAndFlip({ padding: 4, flip: true });
