import { cifarAugmentation } from '@residual/datasets';
import type * as tf from '@tensorflow/tfjs';
import type { Recipe } from './recipe.js';
import {
  constantSchedule,
  constantWarmup,
  cosineSchedule,
  linearWarmup,
  multiStep,
} from './schedules.js';
import { TrainOptionsError } from './train-options-error.js';

export interface PaperRecipeOptions {
  /**
   * Default 164: the paper's 64k iterations at batch 128 on the 50,000 CIFAR-10 training images
   * (391 steps an epoch). The rate drops at 50% and 75% of whatever length is chosen.
   */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Default 0.1. */
  learningRate?: number;
  /**
   * The paper's warm-up for very deep nets: the first {@link PAPER_WARMUP_STEPS} steps at
   * learning rate / 10. 'auto' (default) warms up models of at least 110 weighted layers.
   */
  warmup?: boolean | 'auto';
}

/** Length of the paper recipe's warm-up, in steps: the paper's "about 400 iterations". */
export const PAPER_WARMUP_STEPS = 400;
/** The depth from which the paper warms up ("for 110 layers", §4.2). */
const PAPER_WARMUP_DEPTH = 110;

/**
 * The ResNet paper's CIFAR-10 recipe (He et al. 2015, §4.2): SGD with momentum 0.9, batch 128,
 * weight decay 1e-4, learning rate 0.1 divided by 10 at 50% and 75% of training (32k and 48k of
 * 64k iterations), pad-4 random-crop and flip augmentation.
 *
 * The paper warms up the 110-layer net at 0.01 "until the training error is below 80% (about
 * 400 iterations)". That condition depends on the run, so here the warm-up is a fixed 400
 * steps: the schedule stays a pure function of the step, identical on every backend and after a
 * resume.
 */
export function paperRecipe(options: PaperRecipeOptions = {}): Recipe {
  const warmup = options.warmup ?? 'auto';
  return {
    name: 'paper',
    epochs: options.epochs ?? 164,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 0.1,
    momentum: 0.9,
    nesterov: false,
    weightDecay: 1e-4,
    weightDecayAppliesTo: 'kernels',
    labelSmoothing: 0,
    augmentation: cifarAugmentation,
    details: { warmup },
    schedule({ learningRate, totalSteps, model }) {
      const milestones = [Math.round(totalSteps * 0.5), Math.round(totalSteps * 0.75)];
      // Too short a run for two distinct drops still gets a valid (single-drop) schedule.
      const decay = multiStep({
        learningRate,
        milestones: milestones.filter((m, i) => m > 0 && (i === 0 || m > milestones[i - 1])),
      });
      const deep = warmup === 'auto' ? weightedLayerCount(model) >= PAPER_WARMUP_DEPTH : warmup;
      if (!deep) return decay;
      return constantWarmup(decay, {
        steps: PAPER_WARMUP_STEPS,
        learningRate: learningRate / 10,
      });
    },
  };
}

export interface ModernRecipeOptions {
  /** Default 200. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Peak rate. Default 0.1. */
  learningRate?: number;
  /** Linear warm-up length in epochs. Default 5. */
  warmupEpochs?: number;
  /** Default 0.1. */
  labelSmoothing?: number;
  /** Default 5e-4. */
  weightDecay?: number;
}

/**
 * A modern recipe for the same networks, after "Bag of Tricks for Image Classification"
 * (He et al. 2019): linear warm-up over 5 epochs, cosine decay to 0, label smoothing 0.1, no
 * weight decay on biases and batch norm, Nesterov momentum 0.9, weight decay 5e-4 (the usual
 * CIFAR value), batch 128, and the paper's pad-4 crop and flip.
 */
export function modernRecipe(options: ModernRecipeOptions = {}): Recipe {
  const warmupEpochs = options.warmupEpochs ?? 5;
  return {
    name: 'modern',
    epochs: options.epochs ?? 200,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 0.1,
    momentum: 0.9,
    nesterov: true,
    weightDecay: options.weightDecay ?? 5e-4,
    weightDecayAppliesTo: 'kernels',
    labelSmoothing: options.labelSmoothing ?? 0.1,
    augmentation: cifarAugmentation,
    details: { warmupEpochs },
    schedule({ learningRate, stepsPerEpoch, totalSteps }) {
      // A run shorter than the warm-up warms up over its first half.
      const warmupSteps = Math.min(warmupEpochs * stepsPerEpoch, Math.floor(totalSteps / 2));
      const cosine = cosineSchedule({ learningRate, start: warmupSteps, end: totalSteps });
      return warmupSteps > 0 ? linearWarmup(cosine, { steps: warmupSteps }) : cosine;
    },
  };
}

export interface SgdRecipeOptions {
  /** Default 3. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Default 0.05. */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Default 0. */
  weightDecay?: number;
}

/**
 * Plain SGD with momentum at a constant rate and no augmentation: quick experiments, and the
 * `residual train` default (a few epochs of the digits in about a minute).
 */
export function sgdRecipe(options: SgdRecipeOptions = {}): Recipe {
  return {
    name: 'sgd',
    epochs: options.epochs ?? 3,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.05,
    momentum: options.momentum ?? 0.9,
    nesterov: false,
    weightDecay: options.weightDecay ?? 0,
    weightDecayAppliesTo: 'kernels',
    labelSmoothing: 0,
    schedule: ({ learningRate }) => constantSchedule(learningRate),
  };
}

/**
 * The `residual train` default: momentum SGD from 0.05 down a cosine to zero over five epochs of
 * batch 64, no augmentation. Ending at a small rate is what lifts a short run's test accuracy:
 * on the bundled digits `cifar_resnet8` reaches 94–95% after three epochs at a constant 0.05,
 * 97–98% after five with the cosine (about a minute with the native kernels).
 */
export function quickRecipe(options: SgdRecipeOptions = {}): Recipe {
  return {
    ...sgdRecipe({ ...options, epochs: options.epochs ?? 5 }),
    name: 'quick',
    schedule: ({ learningRate, totalSteps }) => cosineSchedule({ learningRate, end: totalSteps }),
  };
}

/** The named recipes, as the CLI's `--recipe` offers them. */
export const RECIPES = {
  quick: quickRecipe,
  sgd: sgdRecipe,
  paper: paperRecipe,
  modern: modernRecipe,
} as const;

export type RecipeName = keyof typeof RECIPES;
export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];

/**
 * The recipe called `name`, with the given overrides.
 * @throws TrainOptionsError naming the known recipes.
 */
export function recipeByName(
  name: string,
  overrides: { epochs?: number; batchSize?: number; learningRate?: number } = {},
): Recipe {
  if (!(RECIPE_NAMES as string[]).includes(name)) {
    throw new TrainOptionsError(`Unknown recipe "${name}". Known: ${RECIPE_NAMES.join(', ')}.`);
  }
  return RECIPES[name as RecipeName](overrides);
}

/**
 * Depth as the ResNet paper counts it: layers with a convolution or dense kernel (projection
 * shortcuts included).
 */
export function weightedLayerCount(model: tf.LayersModel): number {
  const weighted = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);
  return model.layers.filter((layer) => weighted.has(layer.getClassName())).length;
}
