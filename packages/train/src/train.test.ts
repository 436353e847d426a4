import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
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

  it('calls back at every epoch and batch, and leaves no tensors behind', async () => {
    const model = smallConvNet(2);
    const before = tf.memory().numTensors;
    const events: string[] = [];
    await train({
      model,
      data,
      epochs: 2,
      batchSize: 32,
      learningRate: 0.05,
      callbacks: {
        onEpochStart: (epoch) => void events.push(`start ${epoch}`),
        onBatchEnd: ({ epoch, batch, batches }) =>
          void events.push(`batch ${epoch}.${batch}/${batches}`),
        onEpochEnd: ({ epoch }) => void events.push(`end ${epoch}`),
      },
    });
    expect(events).toEqual([
      'start 0',
      'batch 0.0/2',
      'batch 0.1/2',
      'end 0',
      'start 1',
      'batch 1.0/2',
      'batch 1.1/2',
      'end 1',
    ]);
    expect(tf.memory().numTensors).toBe(before);
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
