import type { Rng } from '@residual/backend';
import { IGNORE_INDEX } from './segmentation-dataset.js';

/**
 * Changes a batch of raw images and their masks together, in place: `images` holds `shape[0]`
 * images of `shape[1]×shape[2]×shape[3]` bytes (NHWC) and `masks` their `shape[1]×shape[2]`
 * class indices. Draws every random choice from `rng`, so a batch is augmented the same way
 * whenever the same generator state is given.
 */
export type SegmentationAugmentation = (
  images: Uint8Array,
  masks: Uint8Array,
  shape: readonly [number, number, number, number],
  rng: Rng,
) => void;

export interface ScaleCropFlipOptions {
  /**
   * Smallest and largest factor to resize each image by before cropping (drawn uniformly).
   * Default [0.5, 2], the range of torchvision's segmentation reference training.
   */
  scale?: readonly [number, number];
  /** Padding on each side before the random crop back to the original size. Default 0. */
  padding?: number;
  /** Mirror left-right with probability 1/2. Default true. */
  flip?: boolean;
}

/**
 * Resizes each image and its mask by a random factor (image bilinear, mask nearest neighbour:
 * a class index cannot be blended), pads, crops a random window of the original size and
 * mirrors it half of the time; image and mask move together. Where the window reaches past the
 * resized image, the image is black (zero) and the mask `IGNORE_INDEX`, so padding is never
 * learnt as background. Shrinking does not antialias; keep the smallest scale above ~0.5.
 */
export function randomScaleCropFlip({
  scale = [0.5, 2],
  padding = 0,
  flip = true,
}: ScaleCropFlipOptions = {}): SegmentationAugmentation {
  if (!(scale[0] > 0 && scale[1] >= scale[0])) {
    throw new RangeError(
      `scale must be [smallest, largest] with 0 < smallest ≤ largest, got [${scale}].`,
    );
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`padding must be a non-negative integer, got ${padding}.`);
  }
  return (images, masks, [count, height, width, channels], rng) => {
    const imageSize = height * width * channels;
    const maskSize = height * width;
    const original = new Uint8Array(imageSize);
    const originalMask = new Uint8Array(maskSize);
    for (let n = 0; n < count; n++) {
      const image = images.subarray(n * imageSize, (n + 1) * imageSize);
      const mask = masks.subarray(n * maskSize, (n + 1) * maskSize);
      original.set(image);
      originalMask.set(mask);
      const factor = scale[0] + (scale[1] - scale[0]) * rng.nextFloat();
      const scaledHeight = Math.max(1, Math.round(height * factor));
      const scaledWidth = Math.max(1, Math.round(width * factor));
      // The window's top-left corner in the resized image: anywhere from `padding` before it
      // to `padding` past its far edge (or, for a small image, so that it lies in the window).
      const top = between(-padding, scaledHeight + padding - height, rng);
      const left = between(-padding, scaledWidth + padding - width, rng);
      const mirrored = flip && rng.nextInt(2) === 1;
      const ratioY = height / scaledHeight;
      const ratioX = width / scaledWidth;
      for (let y = 0; y < height; y++) {
        const scaledY = y + top;
        const insideY = scaledY >= 0 && scaledY < scaledHeight;
        // Pixel centres, as tf.image.resizeBilinear with halfPixelCenters.
        const sourceY = Math.min(Math.max((scaledY + 0.5) * ratioY - 0.5, 0), height - 1);
        const y0 = Math.floor(sourceY);
        const y1 = Math.min(y0 + 1, height - 1);
        const fy = sourceY - y0;
        const nearestY = Math.min(Math.floor((scaledY + 0.5) * ratioY), height - 1);
        for (let x = 0; x < width; x++) {
          const scaledX = (mirrored ? width - 1 - x : x) + left;
          const target = y * width + x;
          if (!insideY || scaledX < 0 || scaledX >= scaledWidth) {
            image.fill(0, target * channels, (target + 1) * channels);
            mask[target] = IGNORE_INDEX;
            continue;
          }
          const nearestX = Math.min(Math.floor((scaledX + 0.5) * ratioX), width - 1);
          mask[target] = originalMask[nearestY * width + nearestX];
          const sourceX = Math.min(Math.max((scaledX + 0.5) * ratioX - 0.5, 0), width - 1);
          const x0 = Math.floor(sourceX);
          const x1 = Math.min(x0 + 1, width - 1);
          const fx = sourceX - x0;
          for (let c = 0; c < channels; c++) {
            const at = (yy: number, xx: number) => original[(yy * width + xx) * channels + c];
            const upper = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
            const lower = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
            image[target * channels + c] = Math.round(upper + (lower - upper) * fy);
          }
        }
      }
    }
  };
}

/** An integer drawn uniformly between a and b, both included, in either order. */
function between(a: number, b: number, rng: Rng): number {
  const low = Math.min(a, b);
  return low + rng.nextInt(Math.abs(b - a) + 1);
}
