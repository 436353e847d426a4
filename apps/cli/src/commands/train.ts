import { join } from 'node:path';
import { initBackend, nativeKernelStatus } from '@residual/backend';
import {
  IMAGENET_PREPROCESSING,
  type ImagePreprocessing,
  imagenetPreprocessing,
  withImageSize,
} from '@residual/datasets';
import { createModel, freezeLayers, getModelEntry, type ModelOptions } from '@residual/models';
import {
  evaluate,
  openRunDirectory,
  planRecompute,
  readRunConfig,
  recipeByName,
  saveModel,
  train,
  writeFileAtomic,
} from '@residual/train';
import { defineCommand } from '../command.js';
import { loadDatasetFor } from '../datasets.js';
import { shapedDataset } from '../image-shape.js';
import { writeInferenceFile } from '../inference-file.js';
import { stoppedByInterrupt, trainUntilDoneOrInterrupted } from '../interrupt.js';
import { isLanguageModel } from '../language-models.js';
import { pretrainedModel } from '../pretrained-model.js';
import { EpochProgress, percent } from '../progress.js';
import type { Terminal } from '../terminal.js';
import { writeTrainingCurves } from '../training-curves.js';
import { UsageError } from '../usage-error.js';
import { readWeights } from '../weights-file.js';
import { asUsageError, checkRunStart, type ImageRunConfig, runConfig } from './train-config.js';
import { trainLanguage } from './train-language.js';
import { LANGUAGE_ONLY_OPTIONS } from './train-language-config.js';
import { TRAIN_OPTIONS, type TrainValues } from './train-options.js';
import { inCommandWords } from './train-recompute.js';
import { trainSegmentationRun } from './train-segmentation.js';
import { isSegmentationRun, SEGMENTATION_ONLY_OPTIONS } from './train-segmentation-config.js';

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Train a residual network (default: ResNet-8 on the bundled MNIST digits).',
  description:
    'Trains a registered model by a recipe, shows progress per epoch, evaluates on the held-out ' +
    'images and writes the trained model (TensorFlow.js Layers format: model.json + ' +
    'weights.bin) and metrics.json (test accuracy and the per-epoch history, learning rates ' +
    'included) to --out. Checkpoints go to --out/checkpoints every --checkpoint-every steps and ' +
    'at each epoch end. Ctrl-C finishes the current step, writes a checkpoint and exits with ' +
    "status 130; 'residual train --resume <dir>' (or the same command again) continues the run " +
    'and ends with the same weights as a run never interrupted. A segmentation model (unet_*, ' +
    'fpn_*, fcn_*, deeplabv3_*) trains on a segmentation data set (shapes by default) with a ' +
    'per-pixel loss (--loss, --aux-weight); its metrics.json holds the test mean IoU, pixel ' +
    'accuracy, per-class IoU and confusion matrix, and each epoch line the test mean IoU.',
  options: TRAIN_OPTIONS,
  examples: [
    'residual train',
    'residual train --model cifar_resnet20 --recipe paper --epochs 2 --out runs/r20',
    'residual train --resume runs/r20',
    'residual train --seed 1 --epochs 1',
    'residual train --model cifar_resnet1202 --recipe paper --image-size 32 --channels 3',
    'residual train --model cifar_resnet20 --dataset cifar10 --download --recipe paper',
    'residual train --model gpt_char_micro --steps 2000 --out runs/moby',
    'residual train --model gpt_char_micro --dataset tiny-shakespeare --download',
    'residual train --model resnet50 --weights resnet50-11ad3fa6.pth --dataset ./my-images --freeze all-but-head',
    'residual train --model unet_resnet18 --dataset shapes --epochs 10 --out runs/shapes',
    'residual train --model deeplabv3_resnet50 --dataset ./VOCdevkit/VOC2012 --image-size 256 --loss cross-entropy+dice --aux-weight 0.4',
  ],
  async run(values, terminal) {
    if (await isLanguageRun(values)) return trainLanguage(values, terminal);
    for (const name of LANGUAGE_ONLY_OPTIONS) {
      if (values[name] !== undefined) {
        throw new UsageError(
          `train --${name}: only for language models; ${values.model} is an image model.`,
        );
      }
    }
    if (await isSegmentationRun(values, await savedTask(values))) {
      return trainSegmentationRun(values, terminal);
    }
    for (const name of SEGMENTATION_ONLY_OPTIONS) {
      if (values[name] !== undefined) {
        throw new UsageError(
          `train --${name}: only for segmentation models (unet_*, fpn_*, fcn_*, deeplabv3_*); ${values.resume === undefined ? `${values.model} is a classifier` : `${values.resume} trains a classifier`}.`,
        );
      }
    }
    const { recompute } = values;
    const { config, out } = await runConfig(values);
    const option = values.resume === undefined ? 'out' : 'resume';
    await checkRunStart(option, out, config);
    const backend = await initBackend({ backend: values.backend });
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

    const progress = new EpochProgress(terminal, recipe.epochs, values['print-every']);
    const result = await trainUntilDoneOrInterrupted(terminal, run, values, (controls) =>
      train({
        model,
        data: { ...dataset, train: trainSplit, test: testSplit },
        recipe,
        seed: config.seed,
        ...controls,
        recompute,
        callbacks: progress.callbacks,
      }).catch(inCommandWords('train', '--recompute auto')),
    );
    if (result.aborted) return stoppedByInterrupt(terminal, result, out);

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
});

/**
 * The data, the model (fresh, or with --weights the pretrained one, its classifier sized for
 * the data), the recipe, and the preprocessing of pretrained weights, as the run's
 * configuration says. The weights file is read first: a bad one fails before the data loads.
 */
async function setUp(config: ImageRunConfig, values: TrainValues, terminal: Terminal) {
  const weightsPath = config.weights;
  if (weightsPath !== undefined && config.channels !== undefined) {
    throw new UsageError(
      "train --channels: with --weights the images are RGB, as the weights' library feeds them; drop --channels.",
    );
  }
  const weights = weightsPath === undefined ? undefined : await readWeights(weightsPath, 'train');
  const preprocessing = pretrainedPreprocessing(config);
  const loaded = await loadDatasetFor(config.dataset ?? 'digits', values, terminal, preprocessing);
  // Pretrained weights expect their own statistics; a fresh model is built for the images as
  // --image-size and --channels shape them (ResNet-1202's 32×32×3 from the 28×28×1 digits).
  const dataset =
    preprocessing === undefined
      ? shapedDataset(loaded, config['image-size'], config.channels)
      : { ...loaded, normalization: preprocessing.normalization };
  const { limit, 'test-limit': testLimit } = config;
  const trainSplit = limit === undefined ? dataset.train : takeFirst(dataset.train, limit);
  const testSplit = testLimit === undefined ? dataset.test : takeFirst(dataset.test, testLimit);
  const shape = {
    inputShape: [...trainSplit.imageShape] as [number, number, number],
    numClasses: dataset.numClasses,
    seed: config.seed,
  };
  if (weights !== undefined && config['zero-init-residual']) {
    throw new UsageError(
      'train --zero-init-residual: with --weights every block starts from the weights; drop --zero-init-residual.',
    );
  }
  const model =
    weights === undefined
      ? freshModel(config.model, { ...shape, zeroInitResidual: config['zero-init-residual'] })
      : pretrainedModel(config.model, weights, shape).model;
  if (config.freeze !== undefined) freezeLayers(model, config.freeze);
  const recipe = recipeByName(config.recipe, {
    epochs: config.epochs,
    batchSize: config['batch-size'],
    learningRate: config.lr,
  });
  return { dataset, trainSplit, testSplit, model, recipe, preprocessing };
}

/** With --weights, the ImageNet preprocessing of the model's source library, at --image-size; without, none. */
function pretrainedPreprocessing(config: ImageRunConfig): ImagePreprocessing | undefined {
  const size = config['image-size'];
  if (config.weights === undefined) return undefined;
  const preprocessing = imagenetPreprocessing(config.model);
  if (preprocessing === undefined) {
    throw new UsageError(
      `train --weights: ${config.model} has no pretrained weights elsewhere; models that have: ${Object.keys(IMAGENET_PREPROCESSING).join(', ')}.`,
    );
  }
  return size === undefined ? preprocessing : withImageSize(preprocessing, size);
}

/** The task run.json of --resume names (undefined without --resume, or for an unreadable one). */
async function savedTask(values: TrainValues): Promise<unknown> {
  if (values.resume === undefined) return undefined;
  return readRunConfig(values.resume).then(
    (config) => config.task,
    () => undefined,
  );
}

/** A language model by name, or a resumed run that trained one. */
async function isLanguageRun(values: TrainValues): Promise<boolean> {
  const { resume } = values;
  if (resume === undefined) return isLanguageModel(values.model);
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

/**
 * The registry's model with fresh weights; zero-γ only where asked (an entry without residual
 * blocks has no such option). @throws UsageError naming --zero-init-residual for such an entry.
 */
function freshModel(name: string, options: ModelOptions & { zeroInitResidual?: boolean }) {
  const { zeroInitResidual, ...rest } = options;
  if (!zeroInitResidual) return createModel(name, rest);
  if (!getModelEntry(name).options.includes('zeroInitResidual')) {
    throw new UsageError(
      `train --zero-init-residual: ${name} has no residual blocks to start as the identity.`,
    );
  }
  return createModel(name, { ...rest, zeroInitResidual: true });
}
