import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, KNOWN_BACKENDS } from '@residual/backend';
import { loadDigits } from '@residual/datasets';
import { createModel, listModels } from '@residual/models';
import { type Evaluation, evaluate, saveModel, train, writeFileAtomic } from '@residual/train';
import type { Command } from '../command.js';
import { EpochProgress, percent } from '../progress.js';
import { writeTrainingCurves } from '../training-curves.js';
import { UsageError } from '../usage-error.js';

export const DATASETS = ['digits'] as const;

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a residual network (default: ResNet-8 on the bundled MNIST digits).',
  description:
    'Trains a registered model with SGD and momentum, shows progress per epoch, evaluates on ' +
    'the held-out images and writes the trained model (TensorFlow.js Layers format: model.json ' +
    '+ weights.bin) and metrics.json (test accuracy and the per-epoch history) to --out.',
  options: [
    {
      name: 'model',
      type: 'string',
      placeholder: 'name',
      description: "Architecture from the registry (see 'residual models').",
      default: 'cifar_resnet8',
    },
    {
      name: 'dataset',
      type: 'string',
      placeholder: 'name',
      description: 'Data set to train on.',
      default: 'digits',
      choices: DATASETS,
    },
    {
      name: 'epochs',
      type: 'integer',
      placeholder: 'n',
      description: 'Passes over the training images.',
      default: 3,
    },
    {
      name: 'batch-size',
      type: 'integer',
      placeholder: 'n',
      description: 'Images per optimizer step.',
      default: 64,
    },
    {
      name: 'lr',
      type: 'number',
      placeholder: 'rate',
      description: 'Learning rate of SGD with momentum 0.9.',
      default: 0.05,
    },
    {
      name: 'seed',
      type: 'integer',
      placeholder: 'n',
      description:
        'Seeds the initial weights and the data order: the same seed and backend give the same run.',
      default: 0,
    },
    {
      name: 'backend',
      type: 'string',
      placeholder: 'name',
      description: 'TensorFlow.js backend (default: the fastest that can train here).',
      choices: KNOWN_BACKENDS,
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'dir',
      description: 'Where to write the model and metrics.json (default: runs/<timestamp>).',
    },
    {
      name: 'limit',
      type: 'integer',
      placeholder: 'n',
      description: 'Train on the first n training images only (quick checks).',
    },
  ],
  examples: [
    'residual train',
    'residual train --model cifar_resnet20 --epochs 5 --out runs/r20',
    'residual train --seed 1 --epochs 1',
  ],
  async run(values, terminal) {
    const modelName = values.model as string;
    const known = listModels().map((m) => m.name);
    if (!known.includes(modelName)) {
      throw new UsageError(
        `train --model: unknown model "${modelName}". Known: ${known.join(', ')}.`,
      );
    }
    for (const name of ['epochs', 'batch-size', 'limit'] as const) {
      const value = values[name] as number | undefined;
      if (value !== undefined && value < 1)
        throw new UsageError(`train --${name}: must be at least 1, got ${value}.`);
    }
    if (!((values.lr as number) > 0))
      throw new UsageError(`train --lr: must be positive, got ${values.lr}.`);
    const out =
      (values.out as string | undefined) ??
      join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
    await refuseExistingRun(out);

    const backend = await initBackend({ backend: values.backend as string | undefined });
    const dataset = await loadDigits();
    const limit = values.limit as number | undefined;
    const trainSplit = limit === undefined ? dataset.train : takeFirst(dataset.train, limit);
    const seed = values.seed as number;
    const model = createModel(modelName, {
      inputShape: [...trainSplit.imageShape] as [number, number, number],
      numClasses: dataset.numClasses,
      seed,
    });
    const epochs = values.epochs as number;
    terminal.err(
      `training ${modelName} on ${dataset.name} (${trainSplit.count} train / ${dataset.test.count} test images) with the ${backend} backend\n`,
    );

    const progress = new EpochProgress(terminal, epochs);
    const started = performance.now();
    let final: Evaluation | undefined;
    const result = await train({
      model,
      data: { ...dataset, train: trainSplit, test: undefined },
      epochs,
      batchSize: values['batch-size'] as number,
      learningRate: values.lr as number,
      seed,
      callbacks: {
        onEpochStart: () => progress.epochStart(),
        onBatchEnd: (info) => progress.batchEnd(info),
        onEpochEnd: (record) => {
          final = evaluate(model, dataset.test, {
            numClasses: dataset.numClasses,
            normalization: dataset.normalization,
          });
          record.testLoss = final.loss;
          record.testAccuracy = final.accuracy;
          progress.epochEnd(record);
        },
      },
    });
    if (final === undefined) throw new Error('training ended before its first epoch');
    const seconds = (performance.now() - started) / 1000;
    await saveModel(model, out);
    const metrics = {
      model: modelName,
      dataset: dataset.name,
      backend,
      seed,
      epochs,
      batchSize: values['batch-size'],
      learningRate: values.lr,
      trainImages: trainSplit.count,
      testImages: dataset.test.count,
      testAccuracy: final.accuracy,
      testLoss: final.loss,
      confusionMatrix: final.confusionMatrix.counts(),
      seconds,
      history: result.history,
    };
    await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    await writeTrainingCurves(out, result.history, `${modelName} on ${dataset.name}`);
    terminal.out(
      `test accuracy ${percent(final.accuracy)} on ${dataset.test.count} held-out digits after ${epochs} epochs (${seconds.toFixed(1)}s); model and metrics.json written to ${out}\n`,
    );
    return 0;
  },
};

/** Never overwrite a finished run: a directory that already holds a model is refused. */
async function refuseExistingRun(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch {
    return;
  }
  if (entries.includes('model.json') || entries.includes('metrics.json')) {
    throw new UsageError(
      `train --out: ${out} already holds a trained model; choose another directory.`,
    );
  }
}

function takeFirst<
  T extends {
    images: Uint8Array;
    labels: Uint8Array;
    count: number;
    imageShape: readonly [number, number, number];
  },
>(split: T, count: number): T {
  const n = Math.min(count, split.count);
  const size = split.imageShape.reduce((a, b) => a * b, 1);
  return {
    ...split,
    images: split.images.subarray(0, n * size),
    labels: split.labels.subarray(0, n),
    count: n,
  };
}
