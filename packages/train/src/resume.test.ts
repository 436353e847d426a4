import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint } from './checkpoints.js';
import { DivergenceError } from './divergence-error.js';
import { paperRecipe } from './recipes.js';
import { halvesSplit, smallConvNet } from './test-fixtures.js';
import { type TrainOptions, train } from './train.js';
import type { EpochRecord } from './train-callbacks.js';

const data = { train: halvesSplit(48, 1), test: halvesSplit(16, 2), numClasses: 2 };
// The paper's recipe scaled down: multi-step schedule, weight decay, crop-and-flip augmentation.
const recipe = paperRecipe({ epochs: 3, batchSize: 16, learningRate: 0.05 });

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Every weight's bytes, batch-norm moving statistics included. */
function weightBytes(model: tf.LayersModel): Buffer[] {
  return model.weights.map((weight) => Buffer.from(weight.read().dataSync().buffer));
}

const withoutTimes = (history: EpochRecord[]) => history.map(({ seconds, ...rest }) => rest);

describe('exact resume', () => {
  it('a run stopped mid-epoch and resumed ends with the same weights, bit for bit', async () => {
    const base = (dir: string): TrainOptions => ({
      model: smallConvNet(4),
      data,
      recipe,
      seed: 11,
      checkpoints: { dir, every: 2 },
    });
    const straight = base(temporaryDirectory('residual-straight-'));
    const tensors = tf.memory().numTensors;
    const reference = await train(straight);
    expect(reference.steps).toBe(9);
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(train(straight)).rejects.toThrow(
      `${straight.checkpoints?.dir} already holds checkpoints (the newest is ${straight.checkpoints?.dir}/step-00000009); resume from it or choose another directory.`,
    );

    const dir = temporaryDirectory('residual-resumed-');
    const controller = new AbortController();
    const first = await train({
      ...base(dir),
      signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => void (step === 5 && controller.abort()) },
    });
    expect(first).toMatchObject({
      aborted: true,
      steps: 5,
      checkpoint: join(dir, 'step-00000005'),
    });
    expect(first.history).toHaveLength(1);

    // A fresh process would build a fresh model: here, one with other initial weights.
    const resumed = { ...base(dir), model: smallConvNet(99) };
    const beforeResume = tf.memory().numTensors;
    const second = await train({ ...resumed, resume: (await latestCheckpoint(dir)) as string });
    expect(second.steps).toBe(9);
    expect(tf.memory().numTensors).toBe(beforeResume);
    expect(weightBytes(resumed.model)).toEqual(weightBytes(straight.model));
    expect(withoutTimes(second.history)).toEqual(withoutTimes(reference.history));
    expect(second.history.map((r) => [r.learningRate, r.endLearningRate])).toEqual([
      [0.05, 0.05],
      [0.05, 0.005],
      [0.005, 0.0005],
    ]);
  });

  it('refuses a checkpoint of another configuration or another model, naming it', async () => {
    const dir = temporaryDirectory('residual-config-');
    const options = { model: smallConvNet(1), data, recipe, seed: 1, checkpoints: { dir } };
    await train({ ...options, epochs: 1 });
    const checkpoint = join(dir, 'step-00000003');
    await expect(train({ ...options, epochs: 1, seed: 2, resume: checkpoint })).rejects.toThrow(
      `${checkpoint} belongs to another training configuration: seed is 1 there, 2 here.`,
    );
    await expect(train({ ...options, resume: checkpoint })).rejects.toThrow(
      `${checkpoint} belongs to another training configuration: epochs is 1 there, 3 here.`,
    );
    const wider = data.train;
    await expect(
      train({
        ...options,
        epochs: 1,
        model: smallConvNet(1, 5),
        data: { ...data, train: wider },
        resume: checkpoint,
      }),
    ).rejects.toThrow(
      `${checkpoint} does not fit the model: conv/kernel is [3,3,1,4] there, [3,3,1,5] in the model.`,
    );
  });

  it('stops a diverging run at the first non-finite step, saving nothing after it', async () => {
    const dir = temporaryDirectory('residual-diverge-');
    const error = await train({
      model: smallConvNet(2),
      data,
      epochs: 3,
      batchSize: 8,
      // Large enough to overflow the weights themselves: after one step at 1e30 the batch norm
      // outputs NaN, which wasm's Relu turns into 0 at this size, so the loss stays finite.
      learningRate: 1e38,
      seed: 1,
      checkpoints: { dir, every: 1, keep: 100 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    const { step, checkpoint } = error as DivergenceError;
    expect(checkpoint).toBe(join(dir, `step-${String(step - 1).padStart(8, '0')}`));
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Training diverged at step ${step} \\(epoch 1, batch ${step}, learning rate 1e\\+38\\): the (loss|gradient norm) is (NaN|Infinity)\\. No update was applied and nothing saved was changed; the last good checkpoint is ${checkpoint}\\.$`,
      ),
    );
    expect(readdirSync(dir)).toHaveLength(step - 1);
    expect(JSON.parse(readFileSync(join(checkpoint as string, 'state.json'), 'utf8')).step).toBe(
      step - 1,
    );
  });
});
