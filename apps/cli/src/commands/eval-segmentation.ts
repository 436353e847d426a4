import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { datasetTask, type SegmentationSplit } from '@residual/datasets';
import type { SegmentationReport } from '@residual/metrics';
import { evaluateSegmentation, loadModel, readRunConfig, writeFileAtomic } from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import type { InferenceInfo, SegmentationInfo } from '../inference-file.js';
import { percent } from '../progress.js';
import { DEFAULT_SEGMENTATION_DATASET, loadSegmentationFor } from '../segmentation-data.js';
import { examplesPng, predictFirstMasks } from '../segmentation-examples.js';
import { formatTable } from '../table.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import type { EvalValues } from './eval.js';

/** The picture `--examples` writes in the model directory. */
export const EXAMPLES_FILE = 'examples.png';
/** How tall each picture of examples.png is drawn, about: small images are enlarged to it. */
const EXAMPLE_HEIGHT = 192;

/** Images per forward pass of a segmentation model when --batch-size is not given. */
const SEGMENTATION_EVAL_BATCH = 32;

/**
 * `residual eval` for a segmentation model (a run whose inference.json says so): mean IoU,
 * pixel accuracy, mean class accuracy and each class's IoU on the run's data set, its images fed
 * as training fed them (same size, same statistics); written, with the confusion matrix, to
 * eval.json.
 */
export async function evalSegmentation(
  modelDir: string,
  values: EvalValues,
  terminal: Terminal,
  evalFile: string,
  info: InferenceInfo & { segmentation: SegmentationInfo },
): Promise<number> {
  const run = await readRunConfig(modelDir).catch(() => undefined);
  const source =
    values.dataset ??
    (typeof run?.dataset === 'string' ? run.dataset : DEFAULT_SEGMENTATION_DATASET);
  if ((await datasetTask(source)) !== 'segmentation') {
    throw new UsageError(
      `eval --dataset: ${source} is a classification data set (a class per image); the model in ${modelDir} labels pixels: give a segmentation data set (shapes, digit-mosaics, or a folder of images and masks).`,
    );
  }
  const backend = await initBackend({ backend: values.backend });
  const model = await loadModel(modelDir);
  const [height, width, channels] = info.segmentation.imageShape;
  // Generated at, or resized to, the training images' size; a non-square run kept its own.
  const dataset = await loadSegmentationFor(source, height === width ? height : undefined, 'eval');
  const split = dataset[values.split];
  const images = split.imageShape.join('×');
  if (images !== [height, width, channels].join('×')) {
    throw new UsageError(
      `eval: the model in ${modelDir} takes ${height}×${width}×${channels} images, ${dataset.name} has ${images}.`,
    );
  }
  if (dataset.numClasses !== info.classNames.length) {
    throw new UsageError(
      `eval: the model in ${modelDir} labels ${info.classNames.length} classes, ${dataset.name} has ${dataset.numClasses}.`,
    );
  }
  const report = evaluateSegmentation(model, split, {
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    normalization: info.preprocessing.normalization,
    batchSize: values['batch-size'] ?? SEGMENTATION_EVAL_BATCH,
  });
  const result = {
    task: 'segmentation',
    modelDir,
    model: model.name,
    dataset: dataset.name,
    split: values.split,
    backend,
    images: split.count,
    classNames: dataset.classNames,
    ...report,
  };
  // NaN (a class neither present nor predicted) is written as null.
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const examples =
    values.examples === undefined ? undefined : examplesFigure(model, split, values.examples, info);
  await writeFileAtomic(join(modelDir, evalFile), json);
  if (examples !== undefined) await writeFileAtomic(join(modelDir, EXAMPLES_FILE), examples);
  if (values.json) {
    terminal.out(json);
    return 0;
  }
  terminal.out(
    `${model.name} (${modelDir}) on the ${dataset.name} ${values.split} split: ${split.count} images, ${report.pixels.toLocaleString('en-US')} pixels\n\n` +
      renderSegmentationReport(report) +
      `\nwritten to ${join(modelDir, evalFile)}${examples === undefined ? '' : ` and ${join(modelDir, EXAMPLES_FILE)}`}\n`,
  );
  return 0;
}

/** The summary scores, then a table of each class's IoU, accuracy and pixels. */
export function renderSegmentationReport(report: SegmentationReport & { loss?: number }): string {
  const summary = formatTable([
    ['mean IoU', percent(report.meanIoU)],
    ['pixel accuracy', percent(report.pixelAccuracy)],
    ['mean class accuracy', percent(report.meanClassAccuracy)],
    ...(report.loss === undefined ? [] : [['loss', report.loss.toFixed(4)]]),
  ]);
  const orNa = (value: number) => (Number.isNaN(value) ? 'n/a' : percent(value));
  const classes = formatTable([
    ['class', 'IoU', 'accuracy', 'pixels', 'predicted'],
    ...report.perClass.map((score) => [
      score.name,
      orNa(score.iou),
      orNa(score.accuracy),
      score.truePixels.toLocaleString('en-US'),
      score.predictedPixels.toLocaleString('en-US'),
    ]),
  ]);
  return `${summary}\n${classes}`;
}

/**
 * examples.png for the first `count` images of the split (fewer if it has fewer), each
 * picture enlarged to about EXAMPLE_HEIGHT pixels.
 */
function examplesFigure(
  model: tf.LayersModel,
  split: SegmentationSplit,
  count: number,
  info: InferenceInfo & { segmentation: SegmentationInfo },
): Uint8Array {
  const shown = Math.min(count, split.count);
  const predicted = predictFirstMasks(model, split, shown, info.preprocessing.normalization);
  const scale = Math.max(1, Math.round(EXAMPLE_HEIGHT / split.imageShape[0]));
  return examplesPng(split, predicted, info.segmentation.palette, scale);
}
