import { join } from 'node:path';
import { datasetTask } from '@residual/datasets';
import { recipeByName } from '@residual/train';
import {
  checkTaskFits,
  DEFAULT_SEGMENTATION_DATASET,
  isSegmentationModel,
} from '../segmentation-data.js';
import { UsageError } from '../usage-error.js';
import { resumedRunConfig } from './train-config.js';
import type { TrainValues } from './train-options.js';

/** The options that define a segmentation run: stored in run.json, repeated on resume. */
const SEGMENTATION_RUN_OPTIONS = [
  'model',
  'dataset',
  'train-images',
  'image-size',
  'loss',
  'aux-weight',
  'optimizer',
  'zero-init-residual',
  'recipe',
  'epochs',
  'batch-size',
  'lr',
  'seed',
  'limit',
  'test-limit',
] as const;

/** A segmentation run's configuration, as run.json stores it. */
export type SegmentationRunConfig = Pick<TrainValues, (typeof SEGMENTATION_RUN_OPTIONS)[number]> & {
  task: 'segmentation';
};

/** Image-classification options that a segmentation run has no use for: refused, not ignored. */
const CLASSIFICATION_ONLY_OPTIONS = ['weights', 'freeze', 'channels'] as const;

/** Options only a segmentation model takes: refused for the other tasks. */
export const SEGMENTATION_ONLY_OPTIONS = [
  'loss',
  'aux-weight',
  'optimizer',
  'train-images',
] as const;

/** AdamW's learning rate when --optimizer adamw is given without --lr (the recipes' are SGD's). */
export const ADAMW_LEARNING_RATE = 0.001;

/**
 * Whether `residual train` trains a segmentation model: a resumed segmentation run, a
 * segmentation model, or a segmentation data set (then refused for a classifier, in one line).
 * A data set the check cannot place is left to the classification path to report.
 * @throws UsageError when the model's task is not the data set's.
 */
export async function isSegmentationRun(values: TrainValues, savedTask: unknown): Promise<boolean> {
  if (values.resume !== undefined) return savedTask === 'segmentation';
  if (isSegmentationModel(values.model)) {
    const dataset = values.dataset ?? DEFAULT_SEGMENTATION_DATASET;
    checkTaskFits(values.model, dataset, await datasetTask(dataset), 'train');
    return true;
  }
  if (values.dataset === undefined) return false;
  const dataset = values.dataset;
  const task = await datasetTask(dataset).catch(() => 'classification' as const);
  checkTaskFits(values.model, dataset, task, 'train');
  return false;
}

/**
 * A segmentation run's configuration and directory, from the options or, with --resume, from
 * the run's run.json. @throws UsageError naming an option that does not apply.
 */
export async function segmentationRunConfig(
  values: TrainValues,
): Promise<{ config: SegmentationRunConfig; out: string }> {
  for (const name of CLASSIFICATION_ONLY_OPTIONS) {
    if (values[name] !== undefined) {
      throw new UsageError(
        `train --${name}: not an option for a segmentation model (${values.model}); it trains from fresh weights on the data set's images as they are.`,
      );
    }
  }
  const resumed = await resumedRunConfig(values, SEGMENTATION_RUN_OPTIONS);
  if (resumed !== undefined) {
    return { config: { ...resumed.config, task: 'segmentation' }, out: resumed.out };
  }
  const optimizer = values.optimizer ?? 'sgd';
  const recipe = recipeByName(values.recipe, {
    epochs: values.epochs,
    batchSize: values['batch-size'],
    learningRate: values.lr ?? (optimizer === 'adamw' ? ADAMW_LEARNING_RATE : undefined),
  });
  const config: SegmentationRunConfig = {
    task: 'segmentation',
    model: values.model,
    dataset: values.dataset ?? DEFAULT_SEGMENTATION_DATASET,
    'train-images': values['train-images'],
    'image-size': values['image-size'],
    loss: values.loss ?? 'cross-entropy',
    'aux-weight': values['aux-weight'],
    optimizer,
    'zero-init-residual': values['zero-init-residual'],
    recipe: values.recipe,
    epochs: recipe.epochs,
    'batch-size': recipe.batchSize,
    lr: recipe.learningRate,
    seed: values.seed,
    limit: values.limit,
    'test-limit': values['test-limit'],
  };
  const out = values.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
  return { config, out };
}
