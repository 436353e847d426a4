import {
  type Normalization,
  type SegmentationDataset,
  segmentationBatches,
  syntheticShapes,
} from '@residual/datasets';
import { createModel } from '@residual/models';
import { quickRecipe, type SegmentationLossName, trainSegmentation } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import type { Picture } from './shape-drawing.js';

export interface ShapesSegmenterOptions {
  /** Side of the generated images and of the model's input: a multiple of 32 (U-Net). */
  size: number;
  /** Generated training images; each epoch goes through all of them once. */
  trainImages: number;
  /** Generated held-out images, measured after every epoch. */
  testImages: number;
  epochs: number;
  batchSize: number;
  /** Peak of the cosine schedule (momentum SGD, `quickRecipe`). */
  learningRate: number;
  loss: SegmentationLossName;
  /**
   * Start every residual block of the encoder as the identity: the last batch norm's γ at 0
   * (Goyal et al. 2017, "zero-γ"). A short run learns the shapes markedly faster so.
   */
  zeroInitResidual: boolean;
  /** Seeds the images, the weights and the batch order. */
  seed: number;
  signal?: AbortSignal;
  /** After every step. */
  onStep?(event: { step: number; steps: number; loss: number }): void;
  /** After every epoch: the held-out images' mean IoU, per-class IoU and pixel accuracy. */
  onEvaluation?(event: Evaluation): void;
}

export interface Evaluation {
  step: number;
  meanIoU: number;
  /** In class order; null for a class neither in the masks nor predicted. */
  perClassIoU: (number | null)[];
  pixelAccuracy: number;
}

/** A trained model and the data it was trained on; the caller disposes `model`. */
export interface ShapesSegmenter {
  model: tf.LayersModel;
  data: SegmentationDataset;
  losses: number[];
  evaluations: Evaluation[];
  parameters: number;
  /** True when `signal` stopped training early; the model is usable all the same. */
  aborted: boolean;
}

/**
 * Generates the `shapes` data set at `size` and trains `unet_resnet18` on it (four classes:
 * background, circle, square, triangle) with `trainSegmentation`: momentum SGD down a cosine,
 * no augmentation, the held-out images' IoU after every epoch. Yields to the page after every
 * step, so a browser can draw while it trains.
 */
export async function trainShapesSegmenter(
  options: ShapesSegmenterOptions,
): Promise<ShapesSegmenter> {
  const { size, seed } = options;
  const data = syntheticShapes({
    size,
    trainCount: options.trainImages,
    testCount: options.testImages,
    seed,
  });
  const model = createModel('unet_resnet18', {
    inputShape: [size, size, 3],
    numClasses: data.numClasses,
    zeroInitResidual: options.zeroInitResidual,
    seed,
  }) as tf.LayersModel;
  const steps = Math.ceil(options.trainImages / options.batchSize) * options.epochs;
  const result: ShapesSegmenter = {
    model,
    data,
    losses: [],
    evaluations: [],
    parameters: model.countParams(),
    aborted: false,
  };
  try {
    const run = await trainSegmentation({
      model,
      data,
      recipe: quickRecipe({
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
      }),
      loss: options.loss,
      augmentation: false,
      seed,
      signal: options.signal,
      callbacks: {
        onBatchEnd: async ({ step, loss }) => {
          result.losses.push(loss);
          options.onStep?.({ step, steps, loss });
          // Let the page draw between steps (WASM and cpu run on the page's own thread).
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
        onEpochEnd: (record) => {
          if (record.testMeanIoU === undefined) return;
          const evaluation = {
            step: record.steps,
            meanIoU: record.testMeanIoU,
            perClassIoU: record.testPerClassIoU ?? [],
            pixelAccuracy: record.testAccuracy ?? Number.NaN,
          };
          result.evaluations.push(evaluation);
          options.onEvaluation?.(evaluation);
        },
      },
    });
    result.aborted = run.aborted;
    return result;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The class the model gives each pixel of `picture` (size×size class indices), the picture
 * normalised as the training images were. Leaves no tensors behind.
 */
export function predictMask(
  model: tf.LayersModel,
  picture: Picture,
  normalization: Normalization | undefined,
): Uint8Array {
  const { size, pixels } = picture;
  const split = {
    images: pixels,
    masks: new Uint8Array(size * size),
    count: 1,
    imageShape: [size, size, 3] as const,
  };
  const batch = segmentationBatches(split, { batchSize: 1, normalization }).next().value!;
  try {
    const classes = tf.tidy(() => {
      const output = model.predict(batch.images);
      return tf.argMax(Array.isArray(output) ? output[0] : output, -1);
    });
    try {
      return Uint8Array.from(classes.dataSync());
    } finally {
      classes.dispose();
    }
  } finally {
    tf.dispose([batch.images, batch.masks]);
  }
}

/** Held-out image `index` of the data set and its true mask. */
export function heldOutExample(
  data: SegmentationDataset,
  index: number,
): { picture: Picture; mask: Uint8Array } {
  const { test } = data;
  if (!Number.isInteger(index) || index < 0 || index >= test.count) {
    throw new RangeError(
      `No held-out image ${index}: there are ${test.count} (0 to ${test.count - 1}).`,
    );
  }
  const [size] = test.imageShape;
  const pixels = size * size;
  return {
    picture: { size, pixels: test.images.slice(index * pixels * 3, (index + 1) * pixels * 3) },
    mask: test.masks.slice(index * pixels, (index + 1) * pixels),
  };
}
