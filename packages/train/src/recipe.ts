import type { Augmentation } from '@residual/datasets';
import type * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule } from './schedules.js';
import type { WeightDecayTarget } from './weight-decay.js';

/** What a recipe's schedule may depend on: the run's length and the model. */
export interface RunShape {
  /** The peak learning rate (the recipe's, or the caller's override). */
  learningRate: number;
  stepsPerEpoch: number;
  totalSteps: number;
  model: tf.LayersModel;
}

/**
 * Everything that decides how a model is trained, apart from the model, the data and the seed:
 * optimizer, schedule, regularisation, augmentation. Build one with {@link paperRecipe},
 * {@link modernRecipe} or {@link sgdRecipe}, or write your own.
 */
export interface Recipe {
  /** Stored in checkpoints and shown in logs. */
  name: string;
  epochs: number;
  batchSize: number;
  /** The peak learning rate, which `schedule` scales. */
  learningRate: number;
  /** The learning rate of every step of a run of this shape. */
  schedule(run: RunShape): LearningRateSchedule;
  /** SGD momentum. */
  momentum: number;
  nesterov: boolean;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** 'kernels': conv and dense kernels only, not biases or batch-norm γ/β; 'all': every weight. */
  weightDecayAppliesTo: WeightDecayTarget;
  /** Softmax cross-entropy against (1 − ε)·one-hot + ε/classes (Szegedy et al. 2016). */
  labelSmoothing: number;
  /** Changes each training batch (random crops, flips); seeded per (seed, epoch, batch). */
  augmentation?: Augmentation;
  /** Options that are not numbers above (e.g. the paper's warm-up rule), for checkpoints. */
  details?: Record<string, string | number | boolean>;
}
