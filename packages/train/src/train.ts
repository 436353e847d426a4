import { batchCount, batches } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import {
  type Checkpoint,
  type CheckpointState,
  emptyProgress,
  pruneCheckpoints,
  writeCheckpoint,
} from './checkpoints.js';
import { DivergenceError } from './divergence-error.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { maskCounts } from './mask-counts.js';
import type { Recipe } from './recipe.js';
import { type RecomputeOption, recomputingForward } from './recompute.js';
import { planRecompute } from './recompute-plan.js';
import { startingPoint } from './resume.js';
import { SgdMomentum } from './sgd-momentum.js';
import { isOutOfMemory, StepMemoryError } from './step-memory-error.js';
import { testPausePoint } from './test-hooks.js';
import type { EpochRecord, TrainCallbacks } from './train-callbacks.js';
import { checkModelFitsData, resolveRecipe } from './train-options.js';
import type { TrainingData } from './training-data.js';
import { trainingFingerprint } from './training-fingerprint.js';
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
  const { model, data, callbacks = {}, signal } = options;
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
  const checkpointDir = options.checkpoints?.dir;
  const every = options.checkpoints?.every;
  const keep = options.checkpoints?.keep ?? 3;
  // Before anything is read or written: a step that cannot fit fails here, in one line.
  const plan = await planRecompute({ model, batchSize, recompute: options.recompute });
  const forward =
    plan.segments === undefined || plan.graph === undefined
      ? undefined
      : recomputingForward(plan.graph, plan.segments);
  const optimizer = new SgdMomentum(model.trainableWeights, recipe);

  let step = 0;
  let progress = emptyProgress();
  const history: EpochRecord[] = [];
  let lastCheckpoint: string | undefined;
  let lastCheckpointStep = -1;
  let evaluation: Evaluation | undefined;

  const saveCheckpoint = async (next: { epoch: number; batch: number }) => {
    if (checkpointDir === undefined || lastCheckpointStep === step) return;
    const state: CheckpointState = {
      format: 'residual-checkpoint',
      version: 1,
      step,
      ...next,
      seed,
      epochProgress: { ...progress },
      history,
      training: fingerprint,
      maskCounts: maskCounts(model),
      optimizer: { kind: 'sgd-momentum', slots: [] },
    };
    const optimizerState = optimizer.stateTensors();
    try {
      lastCheckpoint = await writeCheckpoint(checkpointDir, { model, optimizerState, state });
    } finally {
      tf.dispose(Object.values(optimizerState));
    }
    lastCheckpointStep = step;
    await pruneCheckpoints(checkpointDir, keep);
    await callbacks.onCheckpoint?.({ path: lastCheckpoint, step, ...next });
  };

  try {
    const start = await startingPoint({
      model,
      optimizer,
      fingerprint,
      checkpointDir,
      resume: options.resume,
    });
    ({ step, progress, checkpoint: lastCheckpoint } = start);
    history.push(...start.history);
    if (lastCheckpoint !== undefined) lastCheckpointStep = step;

    for (let epoch = start.epoch; epoch < epochs; epoch++) {
      const firstBatch = epoch === start.epoch ? start.batch : 0;
      if (firstBatch === 0) progress = emptyProgress();
      // The epoch's wall time, summed over the processes that ran parts of it.
      let since = performance.now();
      const tick = () => {
        progress.seconds += (performance.now() - since) / 1000;
        since = performance.now();
      };
      await callbacks.onEpochStart?.(epoch);
      let batch = firstBatch;
      for (const items of batches(data.train, {
        batchSize,
        shuffle: true,
        seed,
        epoch,
        startBatch: firstBatch,
        normalization: data.normalization,
        augmentation: recipe.augmentation,
      })) {
        const learningRate = schedule(step);
        const info = { epoch, batch, batches: perEpoch, step, learningRate };
        await callbacks.onBatchStart?.(info);
        let outcome: Awaited<ReturnType<typeof trainingStep>>;
        try {
          outcome = await trainingStep({
            model,
            optimizer,
            batch: items,
            numClasses: data.numClasses,
            labelSmoothing: recipe.labelSmoothing,
            learningRate,
            beforeUpdate: () => testPausePoint(`step:${step + 1}`, signal),
            forward,
          });
        } catch (error) {
          if (!isOutOfMemory(error) || plan.limitBytes === undefined) throw error;
          throw new StepMemoryError(
            {
              model: model.name,
              batchSize,
              neededBytes: plan.estimatedBytes,
              limitBytes: plan.limitBytes,
              backend: tf.getBackend(),
              recomputing: forward !== undefined,
              largestBatch: Math.floor(batchSize / 2),
              ranOut: true,
            },
            { cause: error },
          );
        } finally {
          items.images.dispose();
          items.labels.dispose();
        }
        if (!outcome.applied) {
          throw new DivergenceError({ ...info, ...outcome, checkpoint: lastCheckpoint });
        }
        step++;
        batch++;
        progress.lossSum += outcome.loss;
        progress.correct += outcome.correct;
        progress.seen += items.indices.length;
        await callbacks.onBatchEnd?.({
          ...info,
          step,
          loss: outcome.loss,
          gradientNorm: outcome.gradientNorm,
        });
        const midEpoch = batch < perEpoch;
        if (midEpoch && every !== undefined && step % every === 0) {
          tick();
          await saveCheckpoint({ epoch, batch });
        }
        if (signal?.aborted && midEpoch) {
          tick();
          await saveCheckpoint({ epoch, batch });
          return { history, steps: step, aborted: true, checkpoint: lastCheckpoint, recipe };
        }
      }

      const firstStep = epoch * perEpoch;
      const record: EpochRecord = {
        epoch,
        loss: progress.lossSum / perEpoch,
        accuracy: progress.correct / progress.seen,
        learningRate: schedule(firstStep),
        endLearningRate: schedule(firstStep + perEpoch - 1),
        steps: step,
        seconds: 0,
      };
      if (data.test !== undefined) {
        evaluation = evaluate(model, data.test, {
          numClasses: data.numClasses,
          normalization: data.normalization,
        });
        record.testLoss = evaluation.loss;
        record.testAccuracy = evaluation.accuracy;
      }
      tick();
      record.seconds = progress.seconds;
      history.push(record);
      await saveCheckpoint({ epoch: epoch + 1, batch: 0 });
      await callbacks.onEpochEnd?.(record, evaluation);
      if (signal?.aborted && epoch + 1 < epochs) {
        return {
          history,
          steps: step,
          aborted: true,
          evaluation,
          checkpoint: lastCheckpoint,
          recipe,
        };
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { history, steps: step, aborted: false, evaluation, checkpoint: lastCheckpoint, recipe };
}
