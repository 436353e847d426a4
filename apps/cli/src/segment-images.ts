import { readFile } from 'node:fs/promises';
import { type DecodedImage, decodeImage } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import type { InferenceInfo, SegmentationInfo } from './inference-file.js';
import { upsampleArgmax } from './upsample-argmax.js';
import { UsageError } from './usage-error.js';

const LUMA = [0.299, 0.587, 0.114];

/** An image and the class of each of its pixels, at the image's own size. */
export interface SegmentedImage {
  path: string;
  height: number;
  width: number;
  /** The image's RGB bytes, height×width×3. */
  rgb: Uint8Array;
  /** The predicted class of each pixel, height×width. */
  mask: Uint8Array;
  /** Pixels predicted as each class. */
  pixels: number[];
}

/**
 * Reads and decodes every image (PNG or JPEG) first, so that a bad one fails before anything is
 * written; then, one image at a time, resizes it to the training images' size as the data sets
 * do (bilinear at pixel centres, rounded to bytes; grey for a grey model), normalises it with
 * the training statistics, and resizes the main head's logits back to the image's size
 * (bilinear, `upsampleArgmax`) before taking each pixel's most probable class.
 * @throws UsageError / DatasetError naming an image that cannot be read or decoded.
 */
export async function segmentImages(
  model: tf.LayersModel,
  paths: readonly string[],
  info: InferenceInfo & { segmentation: SegmentationInfo },
): Promise<SegmentedImage[]> {
  const decoded: DecodedImage[] = [];
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`predict: cannot read image ${path} (${code ?? String(error)}).`);
    }
    decoded.push(await decodeImage(bytes, path));
  }
  const [height, width, channels] = info.segmentation.imageShape;
  const { mean, std } = info.preprocessing.normalization;
  const classes = info.classNames.length;
  return decoded.map((image, i) => {
    const rgb = dropAlpha(image.rgba);
    const logits = tf.tidy(() => {
      const pixels = tf.tensor4d(rgb, [1, image.height, image.width, 3], 'float32');
      const resized = tf.round(tf.image.resizeBilinear(pixels, [height, width], false, true));
      // Grey as the data sets make it: ITU-R BT.601 luma, rounded to a byte.
      const input = channels === 1 ? tf.round(tf.sum(tf.mul(resized, LUMA), -1, true)) : resized;
      const scaled = tf.div(
        tf.sub(tf.div(input, 255), mean.slice(0, channels)),
        std.slice(0, channels),
      );
      const output = model.predict(scaled);
      return (Array.isArray(output) ? output[0] : output) as tf.Tensor4D;
    });
    const [, rows, columns] = logits.shape;
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    const mask = upsampleArgmax(values, rows, columns, classes, image.height, image.width);
    const counts = new Array<number>(classes).fill(0);
    for (const value of mask) counts[value]++;
    return {
      path: paths[i],
      height: image.height,
      width: image.width,
      rgb,
      mask,
      pixels: counts,
    };
  });
}

function dropAlpha(rgba: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0; p < rgba.length / 4; p++) {
    rgb[3 * p] = rgba[4 * p];
    rgb[3 * p + 1] = rgba[4 * p + 1];
    rgb[3 * p + 2] = rgba[4 * p + 2];
  }
  return rgb;
}
