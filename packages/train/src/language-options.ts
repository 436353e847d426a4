import type * as tf from '@tensorflow/tfjs';
import { languageModelContext } from './language-model-context.js';
import type { LanguageRecipe } from './language-recipe.js';
import type { LanguageTrainingData } from './language-training-data.js';
import type { CheckpointOptions } from './train.js';
import { TrainOptionsError } from './train-options-error.js';

/**
 * Checks that a language-model run can work, and returns the model's context length.
 * @throws TrainOptionsError naming the value that cannot work.
 */
export function checkLanguageOptions(
  model: tf.LayersModel,
  data: LanguageTrainingData,
  recipe: LanguageRecipe,
  options: { seed?: number; checkpoints?: CheckpointOptions },
): number {
  for (const name of ['steps', 'batchSize', 'evalEvery', 'evalWindows'] as const) {
    positiveInteger(name, recipe[name]);
  }
  if (!(recipe.warmupSteps >= 0 && Number.isInteger(recipe.warmupSteps))) {
    throw new TrainOptionsError(`warmupSteps must be a whole number, got ${recipe.warmupSteps}.`);
  }
  if (!(recipe.learningRate > 0 && Number.isFinite(recipe.learningRate))) {
    throw new TrainOptionsError(
      `learningRate must be a positive number, got ${recipe.learningRate}.`,
    );
  }
  if (!(recipe.gradientClip >= 0)) {
    throw new TrainOptionsError(
      `gradientClip must be 0 (off) or positive, got ${recipe.gradientClip}.`,
    );
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new TrainOptionsError(`seed must be an integer, got ${options.seed}.`);
  }
  const every = options.checkpoints?.every;
  if (every !== undefined) positiveInteger('checkpoints.every', every);
  const keep = options.checkpoints?.keep;
  if (keep !== undefined) positiveInteger('checkpoints.keep', keep);

  const input = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  const context = languageModelContext(model);
  if (input.length !== 2 || context === undefined) {
    throw new TrainOptionsError(
      `A language model takes tokens [batch, length] and has a context length (a fixed length, or a layer's contextLength); this one takes [${input}].`,
    );
  }
  if (output.length !== 3 || output[2] !== data.vocabSize) {
    throw new TrainOptionsError(
      `The model outputs shape [${output}], but the text has a vocabulary of ${data.vocabSize}; build the model with vocabSize ${data.vocabSize}.`,
    );
  }
  for (const [name, tokens] of [
    ['training', data.train],
    ['validation', data.validation],
  ] as const) {
    if (tokens !== undefined && tokens.length < context + 1) {
      throw new TrainOptionsError(
        `The ${name} text has ${tokens.length} tokens; a context of ${context} needs at least ${context + 1}.`,
      );
    }
  }
  return context;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TrainOptionsError(`${name} must be a positive integer, got ${value}.`);
  }
}
