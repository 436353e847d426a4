import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { randomScaleCropFlip, syntheticShapes } from '@residual/datasets';
import { SegmentationMetrics } from '@residual/metrics';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint } from './checkpoints.js';
import { paperRecipe, quickRecipe } from './recipes.js';
import type { SegmentationEpochRecord } from './segmentation-training-data.js';
import { smallConvNet, tinySegmenter } from './test-fixtures.js';
import { train } from './train.js';
import { type TrainSegmentationOptions, trainSegmentation } from './train-segmentation.js';

const SIZE = 16;
const shapes = syntheticShapes({
  trainCount: 96,
  testCount: 32,
  size: SIZE,
  maxShapes: 2,
  seed: 3,
});

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function weightBytes(model: tf.LayersModel): Buffer[] {
  return model.weights.map((weight) => Buffer.from(weight.read().dataSync().buffer));
}

const withoutTimes = (history: SegmentationEpochRecord[]) =>
  history.map(({ seconds, ...rest }) => rest);

describe('trainSegmentation', () => {
  it('learns the shapes: the loss falls and mean IoU rises well above chance', async () => {
    const model = tinySegmenter(1, { size: SIZE, classes: shapes.numClasses });
    const tensors = tf.memory().numTensors;
    const result = await trainSegmentation({
      model,
      data: shapes,
      recipe: quickRecipe({ epochs: 20, batchSize: 8, learningRate: 0.1 }),
      // Background is nine pixels in ten here: weighted down, the shapes are learnt sooner.
      classWeights: [0.15, 1, 1, 1],
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(tensors);
    const { history } = result;
    expect(history).toHaveLength(20);
    const [first, last] = [history[0], history[19]];
    expect(last.loss).toBeLessThan(0.4 * first.loss);
    // Chance: every pixel called background, the best a prediction blind to the image does.
    const background = new SegmentationMetrics({ numClasses: shapes.numClasses });
    background.update(shapes.test.masks, new Uint8Array(shapes.test.masks.length));
    expect(last.testMeanIoU).toBeGreaterThan(background.meanIoU() + 0.05);
    expect(last.testMeanIoU).toBeGreaterThan((first.testMeanIoU ?? 1) + 0.05);
    // Below all-background's 0.89: the weights trade pixels of background for the shapes.
    expect(last.testAccuracy).toBeGreaterThan(0.8);
    // Every shape is found somewhere, not only the background.
    for (const iou of last.testPerClassIoU ?? []) expect(iou).toBeGreaterThan(0.03);
    expect(result.evaluation?.perClass.map(({ name }) => name)).toEqual([
      'background',
      'circle',
      'square',
      'triangle',
    ]);
    expect(result.evaluation?.meanIoU).toBe(last.testMeanIoU);
    expect(last.accuracy).toBeGreaterThan(0.9);
  });

  it('stops and resumes a run (auxiliary head, augmentation, Dice) to the same weights, bit for bit', async () => {
    const base = (dir: string, seed: number): TrainSegmentationOptions => ({
      model: tinySegmenter(seed, { size: SIZE, classes: shapes.numClasses, aux: true }),
      data: shapes,
      recipe: paperRecipe({ epochs: 2, batchSize: 16, learningRate: 0.05 }),
      loss: 'cross-entropy+dice',
      classWeights: [0.5, 1, 1, 1.5],
      seed: 7,
      checkpoints: { dir, every: 3 },
    });
    const straight = base(temporaryDirectory('residual-seg-straight-'), 4);
    const reference = await trainSegmentation(straight);
    expect(reference.steps).toBe(12);

    const dir = temporaryDirectory('residual-seg-resumed-');
    const controller = new AbortController();
    const first = await trainSegmentation({
      ...base(dir, 4),
      signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => void (step === 8 && controller.abort()) },
    });
    expect(first).toMatchObject({
      aborted: true,
      steps: 8,
      checkpoint: join(dir, 'step-00000008'),
    });
    // A fresh process builds a fresh model: here one with other initial weights.
    const resumed = base(dir, 50);
    const before = tf.memory().numTensors;
    const second = await trainSegmentation({
      ...resumed,
      resume: (await latestCheckpoint(dir)) as string,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(second.steps).toBe(12);
    expect(weightBytes(resumed.model)).toEqual(weightBytes(straight.model));
    expect(withoutTimes(second.history)).toEqual(withoutTimes(reference.history));

    // The loss settings belong to the run: a resume with others is refused.
    await expect(
      trainSegmentation({ ...base(dir, 4), loss: 'dice', resume: join(dir, 'step-00000008') }),
    ).rejects.toThrow(
      /belongs to another training configuration: loss is "cross-entropy\+dice" there, "dice" here\.$/,
    );
  });

  it('trains with AdamW, resumes it bit for bit, and refuses to resume it with SGD', async () => {
    const base = (dir: string, seed: number): TrainSegmentationOptions => ({
      model: tinySegmenter(seed, { size: SIZE, classes: shapes.numClasses }),
      data: shapes,
      recipe: quickRecipe({ epochs: 2, batchSize: 32, learningRate: 0.003 }),
      optimizer: 'adamw',
      seed: 2,
      checkpoints: { dir, every: 2 },
    });
    const straight = base(temporaryDirectory('residual-seg-adamw-'), 5);
    const reference = await trainSegmentation(straight);
    expect(reference.steps).toBe(6);
    expect(reference.history[1].loss).toBeLessThan(reference.history[0].loss);
    // The option is honoured: the same run with momentum SGD ends elsewhere.
    const sgd = { ...base(temporaryDirectory('residual-seg-sgd-'), 5) };
    await trainSegmentation({ ...sgd, optimizer: 'sgd-momentum' });
    expect(weightBytes(sgd.model)).not.toEqual(weightBytes(straight.model));

    const dir = temporaryDirectory('residual-seg-adamw-resumed-');
    const controller = new AbortController();
    await trainSegmentation({
      ...base(dir, 5),
      signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => void (step === 4 && controller.abort()) },
    });
    const resumed = base(dir, 60);
    await trainSegmentation({ ...resumed, resume: join(dir, 'step-00000004') });
    expect(weightBytes(resumed.model)).toEqual(weightBytes(straight.model));
    await expect(
      trainSegmentation({
        ...base(dir, 5),
        optimizer: 'sgd-momentum',
        resume: join(dir, 'step-00000004'),
      }),
    ).rejects.toThrow(/optimizer is "adamw" there, "sgd-momentum" here\.$/);
  });

  it('is deterministic with the joint augmentation: the same seed gives the same losses', async () => {
    const losses = async (seed: number) => {
      const seen: number[] = [];
      await trainSegmentation({
        model: tinySegmenter(2, { size: SIZE, classes: 4 }),
        data: shapes,
        epochs: 1,
        batchSize: 16,
        learningRate: 0.05,
        augmentation: randomScaleCropFlip({ scale: [0.75, 1.5] }),
        seed,
        callbacks: { onBatchEnd: ({ loss }) => void seen.push(loss) },
      });
      return seen;
    };
    const first = await losses(5);
    expect(first.every(Number.isFinite)).toBe(true);
    expect(await losses(5)).toEqual(first);
    expect(await losses(6)).not.toEqual(first);
  });

  it('upsamples a main output at half resolution to the masks, in training and evaluation', async () => {
    const anySize = tf.input({ shape: [null, null, 3] });
    const model = tf.model({
      inputs: anySize,
      outputs: tf.layers
        .conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })
        .apply(anySize) as tf.SymbolicTensor,
    });
    const result = await trainSegmentation({
      model,
      data: shapes,
      epochs: 1,
      batchSize: 32,
      learningRate: 0.1,
    });
    expect(result.evaluation?.pixels).toBe(32 * SIZE * SIZE);
    expect(Number.isFinite(result.history[0].testLoss)).toBe(true);
  });

  it('refuses what cannot work in one line', async () => {
    const options = { data: shapes, epochs: 1, batchSize: 8, learningRate: 0.1 };
    await expect(trainSegmentation({ ...options, model: smallConvNet(1) })).rejects.toThrow(
      'The model takes 8×8×1 images, the data has 16×16×3; build the model with inputShape [16, 16, 3].',
    );
    const classifier = tf.sequential({
      layers: [
        tf.layers.globalAveragePooling2d({ inputShape: [SIZE, SIZE, 3] }),
        tf.layers.dense({ units: 4 }),
      ],
    });
    await expect(trainSegmentation({ ...options, model: classifier })).rejects.toThrow(
      'The model outputs shape [batch,4], not per-pixel logits [batch, height, width, 4]: it is not a segmentation model (build a U-Net, FPN, FCN or DeepLabv3).',
    );
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const larger = tf.model({
      inputs: input,
      outputs: tf.layers
        .conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2 })
        .apply(input) as tf.SymbolicTensor,
    });
    await expect(trainSegmentation({ ...options, model: larger })).rejects.toThrow(
      'The model outputs 32×32 logits for 16×16 masks; an output can be upsampled to its masks, not shrunk to them.',
    );
    // A model of open size: its output size at the data's size decides.
    const anySize = tf.input({ shape: [null, null, 3] });
    const openLarger = tf.model({
      inputs: anySize,
      outputs: tf.layers
        .conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2 })
        .apply(anySize) as tf.SymbolicTensor,
    });
    await expect(trainSegmentation({ ...options, model: openLarger })).rejects.toThrow(
      'The model outputs 32×32 logits for 16×16 masks; an output can be upsampled to its masks, not shrunk to them.',
    );
    const model = tinySegmenter(1, { size: SIZE, classes: 4 });
    await expect(
      trainSegmentation({ ...options, model, data: { ...shapes, numClasses: 5 } }),
    ).rejects.toThrow(
      'The model outputs 4 classes per pixel, but the data has 5; build the model with numClasses 5.',
    );
    await expect(trainSegmentation({ ...options, model, loss: 'focal' as 'dice' })).rejects.toThrow(
      'Unknown loss "focal". Known: cross-entropy, dice, cross-entropy+dice.',
    );
    await expect(trainSegmentation({ ...options, model, classWeights: [1, 2] })).rejects.toThrow(
      'classWeights has 2 weights for 4 classes; give one per class.',
    );
    await expect(train({ ...options, model, data: shapes as never })).rejects.toThrow(
      'The data set labels pixels (a segmentation data set); train it with trainSegmentation, not train.',
    );
    const digits = {
      train: {
        images: new Uint8Array(64),
        labels: new Uint8Array(1),
        count: 1,
        imageShape: [8, 8, 1] as const,
      },
      numClasses: 2,
    };
    await expect(trainSegmentation({ ...options, model, data: digits as never })).rejects.toThrow(
      'data.train has no masks (a classification data set); train it with train, or give a segmentation data set (loadSegmentationDataset).',
    );
  });
});
