import { readFile } from 'node:fs/promises';
import { decodeImage, type ImagePreprocessing, preprocessImage } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { UsageError } from './usage-error.js';

/** One class of an image's top-k: its index, name and softmax probability. */
export interface ClassScore {
  index: number;
  name: string;
  probability: number;
}

/**
 * Reads, decodes and preprocesses each image as `preprocessing` says (to the model's input
 * size and channels), runs `model` on them in batches and returns each image's `k` most
 * probable classes. @throws UsageError / DatasetError naming an unreadable image.
 */
export async function classifyImages(
  model: tf.LayersModel,
  paths: readonly string[],
  preprocessing: ImagePreprocessing,
  classNames: readonly string[],
  k: number,
  batchSize = 16,
): Promise<ClassScore[][]> {
  const [, height, width, channels] = model.inputs[0].shape as number[];
  if (height !== width) {
    throw new UsageError(
      `predict: the model takes ${height}×${width} images; only square inputs can be predicted.`,
    );
  }
  const sized = { ...preprocessing, size: height };
  const inputs: Uint8Array[] = [];
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`predict: cannot read image ${path} (${code ?? String(error)}).`);
    }
    const rgb = preprocessImage(await decodeImage(bytes, path), sized);
    inputs.push(channels === 1 ? toGrey(rgb) : rgb);
  }
  const results: ClassScore[][] = [];
  const { mean, std } = preprocessing.normalization;
  for (let start = 0; start < inputs.length; start += batchSize) {
    const chunk = inputs.slice(start, start + batchSize);
    const probabilities = tf.tidy(() => {
      const pixels = tf.tensor4d(Float32Array.from(chunk.flatMap((image) => Array.from(image))), [
        chunk.length,
        height,
        width,
        channels,
      ]);
      const scaled = tf.div(
        tf.sub(tf.div(pixels, 255), mean.slice(0, channels)),
        std.slice(0, channels),
      );
      return tf.softmax(model.predict(scaled) as tf.Tensor2D);
    });
    const values = (await probabilities.array()) as number[][];
    probabilities.dispose();
    for (const row of values) {
      results.push(
        row
          .map((probability, index) => ({
            index,
            name: classNames[index] ?? String(index),
            probability,
          }))
          .sort((a, b) => b.probability - a.probability || a.index - b.index)
          .slice(0, k),
      );
    }
  }
  return results;
}

/** RGB bytes to grey (ITU-R BT.601 luma), as image folders turn grey. */
function toGrey(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < grey.length; p++) {
    grey[p] = Math.round(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2]);
  }
  return grey;
}
