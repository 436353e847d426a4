import { join } from 'node:path';
import { initBackend, nativeKernelStatus } from '@residual/backend';
import {
  IMAGENET_PREPROCESSING,
  type ImagePreprocessing,
  imagenetPreprocessing,
  withImageSize,
} from '@residual/datasets';
import { createModel, FREEZE_POINTS, type FreezePoint, freezeLayers } from '@residual/models';
import {
  evaluate,
  openRunDirectory,
  planRecompute,
  RECIPE_NAMES,
  type RunConfig,
  readRunConfig,
  recipeByName,
  saveModel,
  train,
  writeFileAtomic,
} from '@residual/train';
import { BACKEND_OPTION, type Command, type OptionValues } from '../command.js';
import { DATASET_SOURCE_OPTIONS, loadDatasetFor } from '../datasets.js';
import { writeInferenceFile } from '../inference-file.js';
import { interruptOnSigint } from '../interrupt.js';
import { isLanguageModel } from '../language-models.js';
import { pretrainedModel } from '../pretrained-model.js';
import { EpochProgress, percent } from '../progress.js';
import type { Terminal } from '../terminal.js';
import { writeTrainingCurves } from '../training-curves.js';
import { UsageError } from '../usage-error.js';
import { readWeights } from '../weights-file.js';
import { asUsageError, checkRunStart, runConfig } from './train-config.js';
import { trainLanguage } from './train-language.js';
import { LANGUAGE_ONLY_OPTIONS } from './train-language-config.js';
import { inCommandWords, parseRecompute, RECOMPUTE_OPTION } from './train-recompute.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a residual network (default: ResNet-8 on the bundled MNIST digits).',
  description:
    'Trains a registered model by a recipe, shows progress per epoch, evaluates on the held-out ' +
    'images and writes the trained model (TensorFlow.js Layers format: model.json + ' +
    'weights.bin) and metrics.json (test accuracy and the per-epoch history, learning rates ' +
    'included) to --out. Checkpoints go to --out/checkpoints every --checkpoint-every steps and ' +
    'at each epoch end. Ctrl-C finishes the current step, writes a checkpoint and exits with ' +
    "status 130; 'residual train --resume <dir>' (or the same command again) continues the run " +
    'and ends with the same weights as a run never interrupted.',
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
      placeholder: 'name|path',
      description:
        "Data set to train on: a name from 'residual datasets', or a folder (the standard files, or one subfolder of images per class); for a language model, a text corpus (moby-dick, tiny-shakespeare) or a UTF-8 file or folder of .txt files (default: digits, or moby-dick for a language model).",
    },
    ...DATASET_SOURCE_OPTIONS,
    {
      name: 'weights',
      type: 'string',
      placeholder: 'file',
      description:
        "Start from pretrained weights (.pth, .pt, .safetensors, .h5, .keras) for --model: loaded strictly, the classifier replaced when the data set has another class count; images preprocessed as the weights' library does (resize, centre crop, mean/std).",
    },
    {
      name: 'image-size',
      type: 'integer',
      placeholder: 'n',
      description:
        "With --weights: the side of the centre crop fed to the model (default: the weights' own, 224).",
    },
    {
      name: 'freeze',
      type: 'string',
      placeholder: 'point',
      description:
        'Train only the layers after this point: the stem, a stage (its batch norms keep their statistics), or all but the classifier (fine-tuning).',
      choices: FREEZE_POINTS,
    },
    {
      name: 'recipe',
      type: 'string',
      placeholder: 'name',
      description:
        'quick: momentum 0.9, cosine decay to zero over 5 epochs; sgd: a constant rate; paper: the ResNet paper (lr 0.1, ÷10 at 50% and ' +
        '75%, weight decay 1e-4, batch 128, crop + flip); modern: warm-up, cosine, label smoothing.',
      default: 'quick',
      choices: RECIPE_NAMES,
    },
    {
      name: 'epochs',
      type: 'integer',
      placeholder: 'n',
      description:
        "Passes over the training images (default: the recipe's: quick 5, sgd 3, paper 164, modern 200).",
    },
    {
      name: 'batch-size',
      type: 'integer',
      placeholder: 'n',
      description:
        "Images per optimizer step (default: the recipe's: quick and sgd 64, paper and modern 128).",
    },
    {
      name: 'lr',
      type: 'number',
      placeholder: 'rate',
      description:
        "Peak learning rate, which the recipe's schedule scales (default: quick and sgd 0.05, paper and modern 0.1).",
    },
    {
      name: 'steps',
      type: 'integer',
      placeholder: 'n',
      description:
        'Language models: optimizer steps, each a batch of random windows (default 2000).',
    },
    {
      name: 'tokenizer',
      type: 'string',
      placeholder: 'kind',
      description:
        "Language models: 'char' (the corpus's characters, default) or 'byte' (UTF-8 bytes).",
      choices: ['char', 'byte'],
    },
    {
      name: 'context',
      type: 'integer',
      placeholder: 'n',
      description:
        "Language models: tokens the model sees (default: the model's, 64 for gpt_char_micro).",
    },
    {
      name: 'layers',
      type: 'integer',
      placeholder: 'n',
      description: "Language models: transformer blocks (default: the model's).",
    },
    {
      name: 'heads',
      type: 'integer',
      placeholder: 'n',
      description:
        "Language models: attention heads; the width must divide by them (default: the model's).",
    },
    {
      name: 'width',
      type: 'integer',
      placeholder: 'n',
      description: "Language models: channels of the residual stream (default: the model's).",
    },
    {
      name: 'eval-every',
      type: 'integer',
      placeholder: 'steps',
      description:
        'Language models: measure the validation loss every this many steps (default 250).',
    },
    {
      name: 'seed',
      type: 'integer',
      placeholder: 'n',
      description:
        'Seeds the initial weights, the data order and augmentation: the same seed and backend give the same run.',
      default: 0,
    },
    BACKEND_OPTION,
    {
      name: 'out',
      type: 'string',
      placeholder: 'dir',
      description:
        'Where to write the run (default: runs/<timestamp>). Must be new, empty, or an interrupted run of the same options (which is then continued).',
    },
    {
      name: 'resume',
      type: 'string',
      placeholder: 'dir',
      description: 'Continue the interrupted run in dir, with the options it was started with.',
    },
    {
      name: 'checkpoint-every',
      type: 'integer',
      placeholder: 'steps',
      description:
        'Write a checkpoint every this many steps, besides each epoch end (applies to this invocation: repeat it with --resume).',
      default: 100,
    },
    {
      name: 'keep-checkpoints',
      type: 'integer',
      placeholder: 'n',
      description: 'Keep the newest n checkpoints.',
      default: 3,
    },
    RECOMPUTE_OPTION,
    {
      name: 'limit',
      type: 'integer',
      placeholder: 'n',
      description: 'Train on the first n training images only (quick checks).',
    },
    {
      name: 'test-limit',
      type: 'integer',
      placeholder: 'n',
      description: 'Evaluate on the first n held-out images only (quick checks).',
    },
  ],
  examples: [
    'residual train',
    'residual train --model cifar_resnet20 --recipe paper --epochs 2 --out runs/r20',
    'residual train --resume runs/r20',
    'residual train --seed 1 --epochs 1',
    'residual train --model cifar_resnet1202 --recipe paper --recompute auto',
    'residual train --model cifar_resnet20 --dataset cifar10 --download --recipe paper',
    'residual train --model gpt_char_micro --steps 2000 --out runs/moby',
    'residual train --model gpt_char_micro --dataset tiny-shakespeare --download',
    'residual train --model resnet50 --weights resnet50-11ad3fa6.pth --dataset ./my-images --freeze all-but-head',
  ],
  async run(values, terminal) {
    if (await isLanguageRun(values)) return trainLanguage(values, terminal, trainCommand.options);
    for (const name of LANGUAGE_ONLY_OPTIONS) {
      if (values[name] !== undefined) {
        throw new UsageError(
          `train --${name}: only for language models; ${values.model} is an image model.`,
        );
      }
    }
    const recompute = parseRecompute(values.recompute as string);
    const { config, out } = await runConfig(values, trainCommand.options);
    const option = values.resume === undefined ? 'out' : 'resume';
    await checkRunStart(option, out, config);
    const backend = await initBackend({ backend: values.backend as string | undefined });
    const native = backend === 'wasm' ? await nativeKernelStatus() : undefined;
    const { dataset, trainSplit, testSplit, model, recipe, preprocessing } = await setUp(
      config,
      values,
      terminal,
    );
    // A step that cannot fit fails here, before the run directory exists.
    const plan = await planRecompute({ model, batchSize: recipe.batchSize, recompute }).catch(
      inCommandWords('train', '--recompute auto'),
    );
    const run = await openRunDirectory(out, config).catch(asUsageError(option));
    terminal.err(
      `training ${config.model} on ${dataset.name} (${trainSplit.count} train / ${testSplit.count} test images) ` +
        `with the ${recipe.name} recipe and the ${backend} backend` +
        `${native?.available ? ` (native kernels: ${native.isa}, ${native.threads} threads)` : ''}` +
        `${plan.segments === undefined ? '' : `, recomputing activations in ${plan.segments.length} segments`}` +
        `${run.resumeFrom === undefined ? '' : `, resuming from ${run.resumeFrom}`}\n`,
    );

    const progress = new EpochProgress(terminal, recipe.epochs);
    const interrupt = interruptOnSigint(terminal);
    let result: Awaited<ReturnType<typeof train>>;
    try {
      result = await train({
        model,
        data: { ...dataset, train: trainSplit, test: testSplit },
        recipe,
        seed: config.seed as number,
        signal: interrupt.signal,
        checkpoints: {
          dir: run.checkpoints,
          every: values['checkpoint-every'] as number,
          keep: values['keep-checkpoints'] as number,
        },
        resume: run.resumeFrom,
        recompute,
        callbacks: {
          onEpochStart: () => progress.epochStart(),
          onBatchEnd: (info) => progress.batchEnd(info),
          onEpochEnd: (record) => progress.epochEnd(record),
        },
      }).catch(inCommandWords('train', '--recompute auto'));
    } finally {
      interrupt.dispose();
    }
    if (result.aborted) {
      terminal.err(
        `stopped after step ${result.steps}; checkpoint ${result.checkpoint}. Continue with: residual train --resume ${out}\n`,
      );
      return 130;
    }

    // A run resumed after its last epoch's checkpoint has no evaluation of its own yet.
    const final =
      result.evaluation ??
      evaluate(model, testSplit, {
        numClasses: dataset.numClasses,
        normalization: dataset.normalization,
      });
    const seconds = result.history.reduce((sum, record) => sum + record.seconds, 0);
    const metrics = {
      model: config.model,
      dataset: dataset.name,
      backend,
      seed: config.seed,
      recipe: recipe.name,
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      steps: result.steps,
      trainImages: trainSplit.count,
      testImages: testSplit.count,
      testAccuracy: final.accuracy,
      testLoss: final.loss,
      confusionMatrix: final.confusionMatrix.counts(),
      seconds,
      history: result.history,
    };
    await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    await writeTrainingCurves(out, result.history, `${config.model} on ${dataset.name}`);
    const [height, width] = trainSplit.imageShape;
    if (height === width) {
      await writeInferenceFile(out, {
        preprocessing: preprocessing ?? {
          source: `${dataset.name} (its training images' statistics)`,
          size: height,
          interpolation: 'bilinear',
          normalization: dataset.normalization,
        },
        classNames: dataset.classNames,
      });
    }
    // The model last: its presence marks the run finished.
    await saveModel(model, out);
    terminal.out(
      `test accuracy ${percent(final.accuracy)} on ${testSplit.count} held-out images after ${recipe.epochs} epoch${recipe.epochs === 1 ? '' : 's'} (${seconds.toFixed(1)}s); model, metrics.json and training-curves.svg written to ${out}\n`,
    );
    return 0;
  },
};

/**
 * The data, the model (fresh, or with --weights the pretrained one, its classifier sized for
 * the data), the recipe, and the preprocessing of pretrained weights, as the run's
 * configuration says. The weights file is read first: a bad one fails before the data loads.
 */
async function setUp(config: RunConfig, values: OptionValues, terminal: Terminal) {
  const weightsPath = config.weights as string | undefined;
  const weights = weightsPath === undefined ? undefined : await readWeights(weightsPath, 'train');
  const preprocessing = pretrainedPreprocessing(config);
  const loaded = await loadDatasetFor(config.dataset as string, values, terminal, preprocessing);
  // A named data set keeps its images' size; pretrained weights expect their own statistics.
  const dataset =
    preprocessing === undefined
      ? loaded
      : { ...loaded, normalization: preprocessing.normalization };
  const limit = config.limit as number | undefined;
  const testLimit = config['test-limit'] as number | undefined;
  const trainSplit = limit === undefined ? dataset.train : takeFirst(dataset.train, limit);
  const testSplit = testLimit === undefined ? dataset.test : takeFirst(dataset.test, testLimit);
  const shape = {
    inputShape: [...trainSplit.imageShape] as [number, number, number],
    numClasses: dataset.numClasses,
    seed: config.seed as number,
  };
  const model =
    weights === undefined
      ? createModel(config.model as string, shape)
      : pretrainedModel(config.model as string, weights, shape).model;
  if (config.freeze !== undefined) freezeLayers(model, config.freeze as FreezePoint);
  const recipe = recipeByName(config.recipe as string, {
    epochs: config.epochs as number,
    batchSize: config['batch-size'] as number,
    learningRate: config.lr as number,
  });
  return { dataset, trainSplit, testSplit, model, recipe, preprocessing };
}

/** With --weights, the ImageNet preprocessing of the model's source library, at --image-size. */
function pretrainedPreprocessing(config: RunConfig): ImagePreprocessing | undefined {
  const size = config['image-size'] as number | undefined;
  if (config.weights === undefined) {
    if (size !== undefined)
      throw new UsageError('train --image-size: applies with --weights only.');
    return undefined;
  }
  const preprocessing = imagenetPreprocessing(config.model as string);
  if (preprocessing === undefined) {
    throw new UsageError(
      `train --weights: ${config.model} has no pretrained weights elsewhere; models that have: ${Object.keys(IMAGENET_PREPROCESSING).join(', ')}.`,
    );
  }
  return size === undefined ? preprocessing : withImageSize(preprocessing, size);
}

/** A language model by name, or a resumed run that trained one. */
async function isLanguageRun(values: OptionValues): Promise<boolean> {
  const resume = values.resume as string | undefined;
  if (resume === undefined) return isLanguageModel(values.model as string);
  // An unreadable run.json is reported by the image path's own checks.
  return readRunConfig(resume).then(
    (config) => config.task === 'language',
    () => false,
  );
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
