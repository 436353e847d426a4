import { type Batch, batchCount, batches } from '@residual/datasets';
import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from './checkpoints.js';
import { runEpochs } from './epoch-loop.js';
import { type Evaluation, evaluate } from './evaluate.js';
import type { Recipe } from './recipe.js';
import type { RecomputeOption } from './recompute.js';
import { planForward, planRecompute } from './recompute-plan.js';
import { SgdMomentum } from './sgd-momentum.js';
import type { EpochRecord, TrainCallbacks } from './train-callbacks.js';
import { checkModelFitsData, resolveRecipe } from './train-options.js';
import type { TrainingData } from './training-data.js';
import { type TrainingFingerprint, trainingFingerprint } from './training-fingerprint.js';
import { trainingStep } from './training-step.js';

export interface CheckpointOptions {
  /** Directory of the run's checkpoints (`step-<8 digits>/` each); created if needed. */
  dir: string;
  /** Also write one every this many steps; checkpoints are always written at each epoch end. */
  every?: number;
  /** Keep the newest this many. Default 3. */
  keep?: number;
}

export interface TrainOptions {
  /** Any tfjs LayersModel that maps images to class logits. */
  model: tf.LayersModel;
  data: TrainingData;
  /**
   * How to train: optimizer, schedule, augmentation, epochs, batch size. Without one, give
   * `epochs`, `batchSize` and `learningRate` for plain SGD with momentum at a constant rate.
   */
  recipe?: Recipe;
  /** Overrides the recipe's. */
  epochs?: number;
  /** Overrides the recipe's. */
  batchSize?: number;
  /** Overrides the recipe's peak rate (the schedule scales it). */
  learningRate?: number;
  /** SGD momentum without a recipe. Default 0.9. */
  momentum?: number;
  /** Seeds the data order and augmentation: the same seed and backend give the same run. Default 0. */
  seed?: number;
  callbacks?: TrainCallbacks;
  /** Stops the run after the current step (writing a checkpoint when checkpoints are on). */
  signal?: AbortSignal;
  /** Write checkpoints (Node.js only). */
  checkpoints?: CheckpointOptions;
  /**
   * Continue from this checkpoint (a path, or what `readCheckpoint` returned): weights,
   * momentum, position in the data, history. The rest of the run is then bit for bit the run
   * that was never interrupted, on the same backend.
   */
  resume?: string | Checkpoint;
  /**
   * Recompute activations in the backward pass instead of keeping them (see
   * `RecomputeOption`): same results, less memory, about one more forward pass per step.
   * Default 'auto': only when the step would not fit the backend's memory otherwise.
   */
  recompute?: RecomputeOption;
}

export interface TrainResult {
  /** Every epoch of the run, those before a resume included. */
  history: EpochRecord[];
  /** Optimizer steps taken in the whole run. */
  steps: number;
  /** True when the signal stopped the run before its end. */
  aborted: boolean;
  /** The last epoch's evaluation on `data.test`, when this call evaluated one. */
  evaluation?: Evaluation;
  /** The newest checkpoint written or resumed from. */
  checkpoint?: string;
  recipe: Recipe;
}

/**
 * Trains `model` on `data.train` by `recipe` (SGD with momentum, a learning-rate schedule,
 * weight decay, label smoothing, augmentation), evaluating on `data.test` after each epoch.
 * Deterministic for a given seed and backend; with checkpoints, resumable exactly.
 *
 * @throws TrainOptionsError for options that cannot work, CheckpointError for a checkpoint that
 *   is corrupt or belongs to another run, DivergenceError when the loss or a gradient stops
 *   being finite (no weight is updated with it and no checkpoint is written after it).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model, data } = options;
  const recipe = resolveRecipe(options);
  checkModelFitsData(options);
  const seed = options.seed ?? 0;
  const { batchSize, epochs } = recipe;
  const perEpoch = batchCount(data.train, { batchSize });
  const totalSteps = perEpoch * epochs;
  const schedule = recipe.schedule({
    learningRate: recipe.learningRate,
    stepsPerEpoch: perEpoch,
    totalSteps,
    model,
  });
  const fingerprint = trainingFingerprint(recipe, {
    seed,
    trainImages: data.train.count,
    numClasses: data.numClasses,
    totalSteps,
    schedule,
  });
  // Before anything is read or written: a step that cannot fit fails here, in one line.
  const plan = await planRecompute({ model, batchSize, recompute: options.recompute });
  const forward = planForward(plan);
  const optimizer = new SgdMomentum(model.trainableWeights, recipe);
  const test = data.test;
  try {
    const result = await runEpochs<Batch, EpochRecord, TrainingFingerprint, Evaluation>({
      model,
      optimizer,
      epochs,
      batchSize,
      stepsPerEpoch: perEpoch,
      schedule,
      seed,
      fingerprint,
      plan,
      recomputing: plan.segments !== undefined,
      checkpoints: options.checkpoints,
      resume: options.resume,
      signal: options.signal,
      callbacks: options.callbacks ?? {},
      batches: (epoch, startBatch) =>
        batches(data.train, {
          batchSize,
          shuffle: true,
          seed,
          epoch,
          startBatch,
          normalization: data.normalization,
          augmentation: recipe.augmentation,
        }),
      step: async (items, learningRate, beforeUpdate) => {
        try {
          const outcome = await trainingStep({
            model,
            optimizer,
            batch: items,
            numClasses: data.numClasses,
            labelSmoothing: recipe.labelSmoothing,
            learningRate,
            beforeUpdate,
            forward,
          });
          return { ...outcome, seen: items.indices.length };
        } finally {
          items.images.dispose();
          items.labels.dispose();
        }
      },
      evaluate:
        test === undefined
          ? undefined
          : (record) => {
              const evaluation = evaluate(model, test, {
                numClasses: data.numClasses,
                normalization: data.normalization,
              });
              record.testLoss = evaluation.loss;
              record.testAccuracy = evaluation.accuracy;
              return evaluation;
            },
    });
    return { ...result, recipe };
  } finally {
    optimizer.dispose();
  }
}
