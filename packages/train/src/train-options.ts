import type { Recipe } from './recipe.js';
import { sgdRecipe } from './recipes.js';
import type { TrainOptions } from './train.js';
import { TrainOptionsError } from './train-options-error.js';

/** The options of `train` and `trainSegmentation` that decide the recipe. */
export type RecipeOptions = Pick<
  TrainOptions,
  'recipe' | 'epochs' | 'batchSize' | 'learningRate' | 'momentum' | 'seed' | 'checkpoints'
>;

/**
 * The recipe a call to `train` (or `trainSegmentation`, named by `caller`) runs:
 * `options.recipe` with the caller's overrides, or plain SGD from `epochs`, `batchSize` and
 * `learningRate`.
 * @throws TrainOptionsError naming the value that cannot work.
 */
export function resolveRecipe(options: RecipeOptions, caller = 'train'): Recipe {
  const base = options.recipe;
  const epochs = options.epochs ?? base?.epochs;
  const batchSize = options.batchSize ?? base?.batchSize;
  const learningRate = options.learningRate ?? base?.learningRate;
  if (base === undefined) {
    const missing = (['epochs', 'batchSize', 'learningRate'] as const).filter(
      (name) => options[name] === undefined,
    );
    if (missing.length > 0) {
      throw new TrainOptionsError(
        `Give ${caller} a recipe, or epochs, batchSize and learningRate (missing: ${missing.join(', ')}).`,
      );
    }
  }
  positiveInteger('epochs', epochs as number);
  positiveInteger('batchSize', batchSize as number);
  if (!((learningRate as number) > 0) || !Number.isFinite(learningRate)) {
    throw new TrainOptionsError(`learningRate must be a positive number, got ${learningRate}.`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new TrainOptionsError(`seed must be an integer, got ${options.seed}.`);
  }
  const every = options.checkpoints?.every;
  if (every !== undefined) positiveInteger('checkpoints.every', every);
  const keep = options.checkpoints?.keep;
  if (keep !== undefined) positiveInteger('checkpoints.keep', keep);
  const recipe =
    base === undefined
      ? sgdRecipe({ epochs, batchSize, learningRate, momentum: options.momentum })
      : { ...base, epochs: epochs as number, batchSize: batchSize as number };
  return { ...recipe, learningRate: learningRate as number };
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TrainOptionsError(`${name} must be a positive integer, got ${value}.`);
  }
}

/**
 * Checks that a classification model fits the data: logits [batch, classes], the data's image
 * size. @throws TrainOptionsError naming what differs.
 */
export function checkModelFitsData({ model, data }: Pick<TrainOptions, 'model' | 'data'>): void {
  if ((data as { task?: string }).task === 'segmentation') {
    throw new TrainOptionsError(
      'The data set labels pixels (a segmentation data set); train it with trainSegmentation, not train.',
    );
  }
  const outputs = model.outputs[0].shape;
  if (outputs.length !== 2 || outputs[1] !== data.numClasses) {
    throw new TrainOptionsError(
      `The model outputs shape [${outputs}], but the data has ${data.numClasses} classes; ` +
        `build the model with numClasses ${data.numClasses}.`,
    );
  }
  const inputs = model.inputs[0].shape.slice(1).join('×');
  const images = data.train.imageShape.join('×');
  if (inputs !== images) {
    throw new TrainOptionsError(
      `The model takes ${inputs} images, the data has ${images}; build the model with inputShape [${data.train.imageShape}].`,
    );
  }
}
