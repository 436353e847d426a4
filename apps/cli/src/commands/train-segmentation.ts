import { join } from 'node:path';
import { initBackend, nativeKernelStatus } from '@residual/backend';
import { createModel, ModelError, type ModelOptions } from '@residual/models';
import {
  evaluateSegmentation,
  openRunDirectory,
  planRecompute,
  recipeByName,
  saveModel,
  trainSegmentation,
  writeFileAtomic,
} from '@residual/train';
import { writeInferenceFile } from '../inference-file.js';
import { stoppedByInterrupt, trainUntilDoneOrInterrupted } from '../interrupt.js';
import { EpochProgress, percent } from '../progress.js';
import { writeSegmentationCurves } from '../segmentation-curves.js';
import { firstImages, loadSegmentationFor } from '../segmentation-data.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import { asUsageError, checkRunStart } from './train-config.js';
import type { TrainValues } from './train-options.js';
import { inCommandWords } from './train-recompute.js';
import { segmentationRunConfig } from './train-segmentation-config.js';

/**
 * `residual train` for a segmentation model: the data set's images and masks, a model sized for
 * them, the recipe and the per-pixel loss; writes the model, metrics.json (mean IoU, pixel
 * accuracy, per-class IoU and the confusion matrix on the held-out images), the training curves
 * and inference.json (how predict feeds images, the class names and colours) to the run
 * directory, with checkpoints and exact resume as for classification.
 */
export async function trainSegmentationRun(
  values: TrainValues,
  terminal: Terminal,
): Promise<number> {
  const { recompute } = values;
  const { config, out } = await segmentationRunConfig(values);
  const option = values.resume === undefined ? 'out' : 'resume';
  await checkRunStart(option, out, config);
  const backend = await initBackend({ backend: values.backend });
  const native = backend === 'wasm' ? await nativeKernelStatus() : undefined;
  const dataset = await loadSegmentationFor(
    config.dataset ?? 'shapes',
    config['image-size'],
    'train',
    config['train-images'],
  );
  const train = firstImages(dataset.train, config.limit);
  const test = firstImages(dataset.test, config['test-limit']);
  const imageShape = [...train.imageShape] as [number, number, number];
  const model = buildModel(config.model, {
    inputShape: imageShape,
    numClasses: dataset.numClasses,
    seed: config.seed,
    ...(config['zero-init-residual'] ? { zeroInitResidual: true } : {}),
  });
  const auxWeight = config['aux-weight'];
  if (auxWeight !== undefined && model.outputs.length < 2) {
    throw new UsageError(
      `train --aux-weight: ${config.model} has no auxiliary head (FCN and DeepLabv3 have one); drop --aux-weight.`,
    );
  }
  const recipe = recipeByName(config.recipe, {
    epochs: config.epochs,
    batchSize: config['batch-size'],
    learningRate: config.lr,
  });
  // A step that cannot fit fails here, before the run directory exists.
  const plan = await planRecompute({ model, batchSize: recipe.batchSize, recompute }).catch(
    inCommandWords('train', '--recompute auto'),
  );
  const run = await openRunDirectory(out, config).catch(asUsageError(option));
  terminal.err(
    `training ${config.model} on ${dataset.name} (${train.count} train / ${test.count} test images of ${imageShape.join('×')}, ${dataset.numClasses} classes) ` +
      `with the ${recipe.name} recipe${config.optimizer === 'adamw' ? ' (AdamW)' : ''}, the ${config.loss} loss and the ${backend} backend` +
      `${native?.available ? ` (native kernels: ${native.isa}, ${native.threads} threads)` : ''}` +
      `${plan.segments === undefined ? '' : `, recomputing activations in ${plan.segments.length} segments`}` +
      `${run.resumeFrom === undefined ? '' : `, resuming from ${run.resumeFrom}`}\n`,
  );

  const data = {
    train,
    test,
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    normalization: dataset.normalization,
  };
  const progress = new EpochProgress(terminal, recipe.epochs, values['print-every']);
  const result = await trainUntilDoneOrInterrupted(terminal, run, values, (controls) =>
    trainSegmentation({
      model,
      data,
      recipe,
      loss: config.loss,
      auxWeight,
      optimizer: config.optimizer === 'adamw' ? 'adamw' : 'sgd-momentum',
      seed: config.seed,
      ...controls,
      recompute,
      callbacks: progress.callbacks,
    }).catch(inCommandWords('train', '--recompute auto')),
  );
  if (result.aborted) return stoppedByInterrupt(terminal, result, out);

  // A run resumed after its last epoch's checkpoint has no evaluation of its own yet.
  const final = result.evaluation ?? evaluateSegmentation(model, test, data);
  const seconds = result.history.reduce((sum, record) => sum + record.seconds, 0);
  const metrics = {
    task: 'segmentation',
    model: config.model,
    dataset: dataset.name,
    backend,
    seed: config.seed,
    recipe: recipe.name,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    loss: config.loss,
    auxWeight: model.outputs.length > 1 ? (auxWeight ?? 0.5) : undefined,
    steps: result.steps,
    trainImages: train.count,
    testImages: test.count,
    imageShape,
    classNames: dataset.classNames,
    testMeanIoU: final.meanIoU,
    testPixelAccuracy: final.pixelAccuracy,
    testMeanClassAccuracy: final.meanClassAccuracy,
    testLoss: final.loss,
    // null, not NaN, for a class neither in the test masks nor predicted: as JSON writes it.
    testPerClassIoU: final.perClass.map((score) => ({
      class: score.class,
      name: score.name,
      iou: Number.isNaN(score.iou) ? null : score.iou,
    })),
    confusionMatrix: final.confusionMatrix,
    seconds,
    history: result.history,
  };
  await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  await writeSegmentationCurves(out, result.history, `${config.model} on ${dataset.name}`);
  const palette = Array.from({ length: dataset.numClasses }, (_, c) =>
    Array.from(dataset.palette.subarray(3 * c, 3 * c + 3)),
  ) as [number, number, number][];
  await writeInferenceFile(out, {
    preprocessing: {
      source: `${dataset.name} (its training images' statistics)`,
      size: imageShape[0],
      interpolation: 'bilinear',
      normalization: dataset.normalization,
    },
    classNames: dataset.classNames,
    segmentation: { imageShape, palette },
  });
  // The model last: its presence marks the run finished.
  await saveModel(model, out);
  terminal.out(
    `test mean IoU ${percent(final.meanIoU)}, pixel accuracy ${percent(final.pixelAccuracy)} on ${test.count} held-out images after ${recipe.epochs} epoch${recipe.epochs === 1 ? '' : 's'} (${seconds.toFixed(1)}s); model, metrics.json and training-curves.svg written to ${out}\n`,
  );
  return 0;
}

/** The registry's model for the images and classes. @throws UsageError for a size it cannot take. */
function buildModel(name: string, options: ModelOptions) {
  try {
    return createModel(name, options);
  } catch (error) {
    // U-Net and FPN halve the image five times: say which option changes the size.
    if (error instanceof ModelError && /multiples of 32/.test(error.message)) {
      throw new UsageError(
        `train --image-size: ${error.message.replace(/\.$/, '')}; give --image-size a multiple of 32.`,
      );
    }
    throw error;
  }
}
