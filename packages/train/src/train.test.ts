import { initBackend } from '@residual/backend';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modernRecipe } from './recipes.js';
import { halvesSplit, smallConvNet } from './test-fixtures.js';
import { train } from './train.js';

const data = { train: halvesSplit(64, 1), test: halvesSplit(32, 2), numClasses: 2 };

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('train', () => {
  it('learns a separable task and evaluates after each epoch', async () => {
    const result = await train({
      model: smallConvNet(1),
      data,
      epochs: 4,
      batchSize: 16,
      learningRate: 0.1,
      seed: 1,
    });
    expect(result.history).toHaveLength(4);
    expect(result.steps).toBe(16);
    expect(result.history[3].loss).toBeLessThan(result.history[0].loss);
    expect(result.history[3].testAccuracy).toBeGreaterThan(0.9);
    expect(result.history[0].learningRate).toBe(0.1);
  });

  it('is deterministic: the same seed gives the same losses, another seed others', async () => {
    const losses = async (seed: number) => {
      const seen: number[] = [];
      await train({
        model: smallConvNet(1),
        data,
        epochs: 1,
        batchSize: 8,
        learningRate: 0.1,
        seed,
        callbacks: { onBatchEnd: ({ loss }) => void seen.push(loss) },
      });
      return seen;
    };
    const first = await losses(5);
    expect(await losses(5)).toEqual(first);
    expect(await losses(6)).not.toEqual(first);
  });

  it('calls back at every epoch, batch and checkpoint, and leaves no tensors behind', async () => {
    const model = smallConvNet(2);
    const before = tf.memory().numTensors;
    const events: string[] = [];
    const dir = temporaryDirectory('residual-callbacks-');
    await train({
      model,
      data,
      epochs: 2,
      batchSize: 32,
      learningRate: 0.05,
      checkpoints: { dir, every: 3 },
      callbacks: {
        onEpochStart: (epoch) => void events.push(`start ${epoch}`),
        onBatchStart: ({ step, learningRate }) =>
          void events.push(`step ${step} lr ${learningRate}`),
        onBatchEnd: ({ epoch, batch, batches, gradientNorm }) =>
          void events.push(
            `batch ${epoch}.${batch}/${batches}${gradientNorm > 0 ? '' : ' no gradient'}`,
          ),
        onCheckpoint: ({ step, epoch, batch }) =>
          void events.push(`checkpoint ${step} → ${epoch}.${batch}`),
        onEpochEnd: ({ epoch }, evaluation) =>
          void events.push(`end ${epoch}${evaluation === undefined ? '' : ' evaluated'}`),
      },
    });
    expect(events).toEqual([
      'start 0',
      'step 0 lr 0.05',
      'batch 0.0/2',
      'step 1 lr 0.05',
      'batch 0.1/2',
      'checkpoint 2 → 1.0',
      'end 0 evaluated',
      'start 1',
      'step 2 lr 0.05',
      'batch 1.0/2',
      'checkpoint 3 → 1.1',
      'step 3 lr 0.05',
      'batch 1.1/2',
      'checkpoint 4 → 2.0',
      'end 1 evaluated',
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains by the modern recipe: Nesterov, label smoothing, warm-up and cosine', async () => {
    const rates: number[] = [];
    const result = await train({
      model: smallConvNet(1),
      data,
      // Without the flips, which would swap this task's classes.
      recipe: {
        ...modernRecipe({ epochs: 4, batchSize: 16, warmupEpochs: 1 }),
        augmentation: undefined,
      },
      seed: 2,
      callbacks: { onBatchStart: ({ learningRate }) => void rates.push(learningRate) },
    });
    expect(rates.slice(0, 5)).toEqual([0, 0.025, 0.05, 0.07500000000000001, 0.1]);
    expect(rates[15]).toBeLessThan(0.002);
    expect(result.history[3].loss).toBeLessThan(result.history[0].loss);
    expect(result.history[3].testAccuracy).toBeGreaterThan(0.9);
  });

  it('stops after the current step when aborted', async () => {
    const controller = new AbortController();
    const result = await train({
      model: smallConvNet(3),
      data,
      epochs: 5,
      batchSize: 8,
      learningRate: 0.05,
      signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => void (step === 3 && controller.abort()) },
    });
    expect(result).toMatchObject({ aborted: true, steps: 3 });
  });

  it('rejects options that cannot work, naming the value', async () => {
    const base = { model: smallConvNet(1), data, epochs: 1, batchSize: 8, learningRate: 0.1 };
    await expect(train({ ...base, epochs: 0 })).rejects.toThrow(
      'epochs must be a positive integer, got 0.',
    );
    await expect(train({ ...base, learningRate: -1 })).rejects.toThrow(
      'learningRate must be a positive number, got -1.',
    );
    await expect(train({ ...base, data: { ...data, numClasses: 10 } })).rejects.toThrow(
      /has 10 classes; build the model with numClasses 10/,
    );
  });
});
