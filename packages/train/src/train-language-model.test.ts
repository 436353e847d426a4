import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint } from './checkpoints.js';
import { nanoGptRecipe } from './language-recipe.js';
import type { LanguageRecord } from './language-training-data.js';
import { tinyCorpus, tinyLanguageModel } from './test-fixtures.js';
import { type TrainLanguageModelOptions, trainLanguageModel } from './train-language-model.js';

const VOCAB = 11;
const CONTEXT = 8;
const data = { train: tinyCorpus(600, 1), validation: tinyCorpus(120, 2), vocabSize: VOCAB };
const recipe = nanoGptRecipe({
  steps: 12,
  batchSize: 4,
  learningRate: 0.05,
  warmupSteps: 2,
  evalEvery: 4,
  evalWindows: 6,
});

beforeAll(async () => {
  // The embedding's gradient needs UnsortedSegmentSum, which stock wasm lacks.
  await initBackend({ backend: 'cpu' });
});

function weightBytes(model: tf.LayersModel): Buffer[] {
  return model.weights.map((weight) => Buffer.from(weight.read().dataSync().buffer));
}

const withoutTimes = (history: LanguageRecord[]) => history.map(({ seconds, ...rest }) => rest);

describe('trainLanguageModel', () => {
  it('learns next tokens, measuring validation loss and bits every evalEvery steps', async () => {
    const before = tf.memory().numTensors;
    const model = tinyLanguageModel(1, VOCAB, CONTEXT);
    const rates: number[] = [];
    const result = await trainLanguageModel({
      model,
      data,
      recipe: { ...recipe, steps: 40, evalEvery: 20 },
      seed: 1,
      callbacks: { onStepEnd: ({ learningRate }) => void rates.push(learningRate) },
    });
    expect(result.steps).toBe(40);
    expect(result.history.map((record) => record.step)).toEqual([20, 40]);
    const [first, last] = result.history;
    // From ln 11 ≈ 2.40 nats towards the corpus's bigram entropy.
    expect(first.validationLoss).toBeLessThan(Math.log(VOCAB));
    expect(last.validationLoss).toBeLessThan(first.validationLoss as number);
    expect(last.validationBits).toBeCloseTo((last.validationLoss as number) / Math.LN2, 12);
    expect(rates[0]).toBe(0);
    expect(rates[2]).toBe(0.05);
    expect(rates.at(-1)).toBeCloseTo(0.005 + (0.045 * (1 + Math.cos((Math.PI * 37) / 38))) / 2, 12);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run stopped mid-way and resumed ends with the same weights, bit for bit', async () => {
    const base = (dir: string): TrainLanguageModelOptions => ({
      model: tinyLanguageModel(4, VOCAB, CONTEXT),
      data,
      recipe,
      seed: 11,
      checkpoints: { dir, every: 3 },
    });
    const straight = base(temporaryDirectory('residual-lm-straight-'));
    const reference = await trainLanguageModel(straight);
    expect(reference.steps).toBe(12);

    const dir = temporaryDirectory('residual-lm-resumed-');
    const controller = new AbortController();
    const first = await trainLanguageModel({
      ...base(dir),
      signal: controller.signal,
      callbacks: { onStepEnd: ({ step }) => void (step === 7 && controller.abort()) },
    });
    expect(first).toMatchObject({
      aborted: true,
      steps: 7,
      checkpoint: join(dir, 'step-00000007'),
    });

    // A fresh process builds a fresh model: here one with other initial weights.
    const resumed = { ...base(dir), model: tinyLanguageModel(99, VOCAB, CONTEXT) };
    const before = tf.memory().numTensors;
    const second = await trainLanguageModel({
      ...resumed,
      resume: (await latestCheckpoint(dir)) as string,
    });
    expect(second.steps).toBe(12);
    expect(tf.memory().numTensors).toBe(before);
    expect(weightBytes(resumed.model)).toEqual(weightBytes(straight.model));
    expect(withoutTimes(second.history)).toEqual(withoutTimes(reference.history));

    await expect(
      trainLanguageModel({ ...base(dir), seed: 12, resume: join(dir, 'step-00000012') }),
    ).rejects.toThrow(
      `${join(dir, 'step-00000012')} belongs to another training configuration: seed is 11 there, 12 here.`,
    );
  });

  it('refuses a model whose vocabulary or context does not fit the text', async () => {
    await expect(
      trainLanguageModel({ model: tinyLanguageModel(1, 12, CONTEXT), data, recipe }),
    ).rejects.toThrow(
      'The model outputs shape [,8,12], but the text has a vocabulary of 11; build the model with vocabSize 11.',
    );
    await expect(
      trainLanguageModel({
        model: tinyLanguageModel(1, VOCAB, 200),
        data,
        recipe,
      }),
    ).rejects.toThrow('The validation text has 120 tokens; a context of 200 needs at least 201.');
  });
});
