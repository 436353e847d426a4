import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import {
  batchCount,
  batches,
  type ImageSplit,
  listDatasets,
  TOKENIZER_FILE,
} from '@residual/datasets';
import { evaluateClassifier, type LabelledBatch } from '@residual/metrics';
import { foldBatchNorm } from '@residual/models';
import { loadModel, readRunConfig, writeFileAtomic } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_OPTION, type CommandValues, defineCommand, JSON_OPTION } from '../command.js';
import { DATASET_SOURCE_OPTIONS, loadDatasetFor } from '../datasets.js';
import { runImageShape, shapedDataset } from '../image-shape.js';
import { INFERENCE_FILE, readInferenceFile } from '../inference-file.js';
import { choice, integer, text } from '../options.js';
import { renderReport } from '../render-report.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import { evalLanguage } from './eval-language.js';
import { evalSegmentation } from './eval-segmentation.js';

export const EVAL_FILE = 'eval.json';

const EVAL_OPTIONS = [
  text('model-dir', {
    placeholder: 'dir',
    description: 'Directory of the trained model (required).',
    required: true,
  }),
  text('dataset', {
    placeholder: 'name',
    description:
      "Data set to evaluate on: a name from 'residual datasets' or a folder (default: the one in the run's metrics.json, else digits).",
  }),
  ...DATASET_SOURCE_OPTIONS,
  choice('split', {
    placeholder: 'name',
    description: 'Which images to evaluate on.',
    default: 'test',
    choices: ['test', 'train'],
  }),
  integer('top-k', {
    placeholder: 'k',
    description: 'k of the top-k accuracy (ties ranked by lower class index).',
    default: 5,
    min: 1,
  }),
  integer('bins', {
    placeholder: 'n',
    description: 'Confidence bins of the expected calibration error.',
    default: 15,
    min: 1,
  }),
  integer('batch-size', {
    placeholder: 'n',
    description: 'Images per forward pass (default 256; 32 for a segmentation model).',
    min: 1,
  }),
  integer('examples', {
    placeholder: 'n',
    description:
      'Segmentation models: also write examples.png in the model directory, the first n images of the split in a row each: the image, its true mask, the predicted mask and the overlay.',
    min: 1,
    max: 64,
  }),
  BACKEND_OPTION,
  JSON_OPTION,
] as const;

/** What `residual eval` receives, for the language-model path too. */
export type EvalValues = CommandValues<typeof EVAL_OPTIONS>;

export const evalCommand = defineCommand({
  name: 'eval',
  summary:
    'Evaluate a trained model: accuracy, top-k, precision/recall/F1, log-loss, calibration; for a language model, loss, perplexity and bits per character.',
  description:
    'Loads a model saved by `residual train` (model.json + weights.bin) from --model-dir, runs it ' +
    'over the held-out images and prints accuracy, top-k accuracy, log-loss, expected ' +
    'calibration error, macro/micro/weighted precision, recall and F1, and per-class scores. ' +
    'Writes everything, with the confusion matrix and the calibration bins, to eval.json in the ' +
    'model directory (replacing an earlier eval.json). A score whose denominator is zero (a ' +
    'class never predicted, or never present) is reported as 0 and listed as ill-defined. ' +
    'Batch norms are folded into the convolutions before (foldBatchNorm): the same predictions, ' +
    'faster. For a language model (a directory with tokenizer.json) it reports the next-token ' +
    'loss, perplexity and bits per character (per byte for a byte tokenizer) on the held-out ' +
    "tenth of the run's text (--split train: the rest), each token predicted once. For a " +
    'segmentation model it reports the mean IoU, pixel accuracy, mean class accuracy and each ' +
    "class's IoU on the run's data set (--top-k and --bins do not apply).",
  options: EVAL_OPTIONS,
  examples: [
    'residual eval --model-dir runs/r8',
    'residual eval --model-dir runs/r8 --json',
    'residual eval --model-dir runs/r8 --split train --top-k 2',
    'residual eval --model-dir runs/moby',
    'residual eval --model-dir runs/shapes',
    'residual eval --model-dir runs/shapes --examples 6',
  ],
  async run(values, terminal) {
    const { 'model-dir': modelDir, split: splitName, 'top-k': topK } = values;
    const batchSize = values['batch-size'] ?? 256;
    const language = await exists(join(modelDir, TOKENIZER_FILE));
    const segmentation = language ? undefined : await segmentationInference(modelDir);
    if (values.examples !== undefined && segmentation === undefined) {
      throw new UsageError(
        `eval --examples: only for a segmentation model (unet_*, fpn_*, fcn_*, deeplabv3_*); the model in ${modelDir} ${language ? 'is a language model' : 'classifies whole images'}.`,
      );
    }
    if (language) return evalLanguage(modelDir, values, terminal, EVAL_FILE);
    if (segmentation !== undefined) {
      return evalSegmentation(modelDir, values, terminal, EVAL_FILE, segmentation);
    }
    const datasetName = values.dataset ?? (await runDataset(modelDir)) ?? 'digits';
    const backend = await initBackend({ backend: values.backend });
    const loaded = await loadModel(modelDir);
    // Inference only: fold the batch norms into the convolutions (functional models; a
    // Sequential one is evaluated as it is).
    const model = loaded instanceof tf.Sequential ? loaded : foldBatchNorm(loaded).model;
    // A colour model that says how it sees images (imported weights, or a run of `residual
    // train`) is fed an image folder that way, with its own statistics.
    const info = await readInferenceFile(modelDir).catch(() => undefined);
    const preprocessing = model.inputs[0].shape[3] === 3 ? info?.preprocessing : undefined;
    const data = await loadDatasetFor(datasetName, values, terminal, preprocessing);
    // Images are fed as the run fed them: at its --image-size and --channels, if it gave them.
    const shape = await runImageShape(modelDir);
    const shaped = shapedDataset(data, shape.size, shape.channels);
    const dataset =
      preprocessing === undefined
        ? shaped
        : { ...shaped, normalization: preprocessing.normalization };
    const split = dataset[splitName];
    checkModelFits(
      model.inputs[0].shape,
      model.outputs[0].shape,
      split,
      dataset.numClasses,
      modelDir,
    );
    if (topK > dataset.numClasses) {
      throw new UsageError(
        `eval --top-k: ${dataset.name} has ${dataset.numClasses} classes, got k = ${topK}.`,
      );
    }
    const report = evaluateClassifier(
      model,
      withProgress(
        batches(split, { batchSize, normalization: dataset.normalization }),
        batchCount(split, { batchSize }),
        terminal,
      ),
      { topK: [topK], bins: values.bins },
    );
    const result = {
      modelDir,
      model: model.name,
      dataset: dataset.name,
      split: splitName,
      backend,
      classNames: dataset.classNames,
      ...report,
    };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    await writeFileAtomic(join(modelDir, EVAL_FILE), json);
    if (values.json) {
      terminal.out(json);
      return 0;
    }
    terminal.out(
      `${model.name} (${modelDir}) on the ${dataset.name} ${splitName} split: ${report.count} images\n\n` +
        renderReport(report, dataset.classNames) +
        `\nwritten to ${join(modelDir, EVAL_FILE)}\n`,
    );
    return 0;
  },
});

/**
 * The inference.json of a segmentation run (undefined for any other model directory).
 * @throws UsageError naming the file when a segmentation run's is missing or damaged.
 */
async function segmentationInference(modelDir: string) {
  const info = await readInferenceFile(modelDir).catch(() => undefined);
  if (info?.segmentation !== undefined) return { ...info, segmentation: info.segmentation };
  const run = await readRunConfig(modelDir).catch(() => undefined);
  if (run?.task !== 'segmentation') return undefined;
  await readInferenceFile(modelDir);
  throw new UsageError(
    `${join(modelDir, INFERENCE_FILE)}: a segmentation run's has a segmentation entry (image shape, class colours); this one has none.`,
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The data set a run was trained on, from its metrics.json, when that names a known one. */
async function runDataset(modelDir: string): Promise<string | undefined> {
  try {
    const metrics = JSON.parse(await readFile(join(modelDir, 'metrics.json'), 'utf8')) as {
      dataset?: unknown;
    };
    return typeof metrics.dataset === 'string' &&
      listDatasets().some((info) => info.name === metrics.dataset)
      ? metrics.dataset
      : undefined;
  } catch {
    return undefined;
  }
}

function checkModelFits(
  input: readonly (number | null)[],
  output: readonly (number | null)[],
  split: ImageSplit,
  numClasses: number,
  modelDir: string,
): void {
  const takes = input.slice(1).join('×');
  const images = split.imageShape.join('×');
  if (takes !== images) {
    throw new UsageError(
      `eval: the model in ${modelDir} takes ${takes} images, the data set has ${images}.`,
    );
  }
  if (output.at(-1) !== numClasses) {
    throw new UsageError(
      `eval: the model in ${modelDir} outputs ${output.at(-1)} classes, the data set has ${numClasses}.`,
    );
  }
}

/** Passes batches through, redrawing a progress line on an interactive terminal. */
function* withProgress(
  source: Iterable<LabelledBatch>,
  total: number,
  terminal: Terminal,
): Generator<LabelledBatch> {
  let done = 0;
  for (const batch of source) {
    yield batch;
    done++;
    if (terminal.interactive) terminal.err(`\revaluating: batch ${done}/${total}\x1b[K`);
  }
  if (terminal.interactive) terminal.err('\r\x1b[K');
}
