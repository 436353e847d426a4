import { textBatch } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from './adamw.js';
import {
  type Checkpoint,
  type CheckpointState,
  emptyProgress,
  pruneCheckpoints,
  writeCheckpoint,
} from './checkpoints.js';
import { DivergenceError } from './divergence-error.js';
import { evaluateLanguageModel, type LanguageEvaluation } from './evaluate-language-model.js';
import { type LanguageFingerprint, languageFingerprint } from './language-fingerprint.js';
import { checkLanguageOptions } from './language-options.js';
import { type LanguageRecipe, languageSchedule, nanoGptRecipe } from './language-recipe.js';
import { languageStep } from './language-step.js';
import type {
  LanguageCallbacks,
  LanguageRecord,
  LanguageTrainingData,
} from './language-training-data.js';
import { maskCounts } from './mask-counts.js';
import { startingPoint } from './resume.js';
import { testPausePoint } from './test-hooks.js';
import type { CheckpointOptions } from './train.js';

export interface TrainLanguageModelOptions {
  /** A LayersModel from int32 tokens [batch, context] to logits [batch, context, vocab]. */
  model: tf.LayersModel;
  data: LanguageTrainingData;
  /** Default: {@link nanoGptRecipe}. */
  recipe?: LanguageRecipe;
  /** Seeds the windows of every step: the same seed and backend give the same run. Default 0. */
  seed?: number;
  callbacks?: LanguageCallbacks;
  /** Stops the run after the current step (writing a checkpoint when checkpoints are on). */
  signal?: AbortSignal;
  /** Write checkpoints (Node.js only): every `every` steps, at each evaluation, at the end. */
  checkpoints?: CheckpointOptions;
  /** Continue from this checkpoint: the rest of the run is then bit for bit the original. */
  resume?: string | Checkpoint<LanguageRecord, LanguageFingerprint>;
}

export interface TrainLanguageModelResult {
  /** Every measurement of the run, those before a resume included. */
  history: LanguageRecord[];
  /** Optimizer steps taken in the whole run. */
  steps: number;
  aborted: boolean;
  /** The last validation measurement of this call, when it made one. */
  evaluation?: LanguageEvaluation;
  checkpoint?: string;
  recipe: LanguageRecipe;
}

/**
 * Trains a language model on next-token prediction: each step a batch of random windows of
 * `data.train` (drawn from the seed and the step alone), cross-entropy over every position,
 * AdamW, gradient clipping and the recipe's warm-up + cosine; every `recipe.evalEvery` steps
 * and at the end, the loss and bits per token on `data.validation`. Checkpoints, exact resume
 * and the divergence guard are those of {@link train}.
 *
 * @throws TrainOptionsError for options that cannot work, CheckpointError for a checkpoint
 *   that is corrupt or belongs to another run, DivergenceError when the loss or the gradient
 *   stops being finite.
 */
export async function trainLanguageModel(
  options: TrainLanguageModelOptions,
): Promise<TrainLanguageModelResult> {
  const { model, data, callbacks = {}, signal } = options;
  const recipe = options.recipe ?? nanoGptRecipe();
  const seed = options.seed ?? 0;
  const context = checkLanguageOptions(model, data, recipe, options);
  const schedule = languageSchedule(recipe);
  const fingerprint = languageFingerprint(recipe, {
    seed,
    trainTokens: data.train.length,
    validationTokens: data.validation?.length ?? 0,
    vocabSize: data.vocabSize,
    context,
    schedule,
  });
  const checkpointDir = options.checkpoints?.dir;
  const every = options.checkpoints?.every;
  const keep = options.checkpoints?.keep ?? 3;
  const optimizer = new AdamW(model.trainableWeights, recipe);

  let step = 0;
  let progress = emptyProgress();
  const history: LanguageRecord[] = [];
  let lastCheckpoint: string | undefined;
  let lastCheckpointStep = -1;
  let evaluation: LanguageEvaluation | undefined;
  let since = performance.now();
  const tick = () => {
    progress.seconds += (performance.now() - since) / 1000;
    since = performance.now();
  };

  const saveCheckpoint = async () => {
    if (checkpointDir === undefined || lastCheckpointStep === step) return;
    tick();
    const state: CheckpointState<LanguageRecord, LanguageFingerprint> = {
      format: 'residual-checkpoint',
      version: 1,
      step,
      epoch: 0,
      batch: step,
      seed,
      epochProgress: { ...progress },
      history,
      training: fingerprint,
      maskCounts: maskCounts(model),
      optimizer: { kind: optimizer.kind, slots: [] },
    };
    const optimizerState = optimizer.stateTensors();
    try {
      lastCheckpoint = await writeCheckpoint(checkpointDir, { model, optimizerState, state });
    } finally {
      tf.dispose(Object.values(optimizerState));
    }
    lastCheckpointStep = step;
    await pruneCheckpoints(checkpointDir, keep);
    await callbacks.onCheckpoint?.({ path: lastCheckpoint, step, epoch: 0, batch: step });
  };

  try {
    const start = await startingPoint<LanguageRecord, LanguageFingerprint>({
      model,
      optimizer,
      fingerprint,
      checkpointDir,
      resume: options.resume,
    });
    ({ step, progress, checkpoint: lastCheckpoint } = start);
    history.push(...start.history);
    if (lastCheckpoint !== undefined) lastCheckpointStep = step;
    since = performance.now();

    while (step < recipe.steps) {
      const learningRate = schedule(step);
      const batch = textBatch(data.train, { batchSize: recipe.batchSize, context, seed, step });
      let outcome: Awaited<ReturnType<typeof languageStep>>;
      try {
        outcome = await languageStep({
          model,
          optimizer,
          batch,
          learningRate,
          gradientClip: recipe.gradientClip,
          beforeUpdate: () => testPausePoint(`step:${step + 1}`, signal),
        });
      } finally {
        tf.dispose([batch.inputs, batch.targets]);
      }
      if (!outcome.applied) {
        throw new DivergenceError({
          step,
          epoch: 0,
          batch: step,
          ...outcome,
          learningRate,
          checkpoint: lastCheckpoint,
        });
      }
      step++;
      progress.lossSum += outcome.loss;
      progress.correct += outcome.correct;
      progress.seen += 1;
      await callbacks.onStepEnd?.({
        step,
        steps: recipe.steps,
        loss: outcome.loss,
        gradientNorm: outcome.gradientNorm,
        learningRate,
      });
      const finished = step === recipe.steps;
      if (step % recipe.evalEvery === 0 || finished) {
        const record: LanguageRecord = {
          step,
          loss: progress.lossSum / progress.seen,
          accuracy: progress.correct / (progress.seen * recipe.batchSize * context),
          learningRate,
          seconds: 0,
        };
        if (data.validation !== undefined) {
          evaluation = evaluateLanguageModel(model, data.validation, {
            context,
            windows: recipe.evalWindows,
          });
          record.validationLoss = evaluation.loss;
          record.validationBits = evaluation.bitsPerToken;
          record.validationAccuracy = evaluation.accuracy;
        }
        tick();
        record.seconds = progress.seconds;
        history.push(record);
        progress = emptyProgress();
        await saveCheckpoint();
        await callbacks.onEvaluation?.(record, evaluation);
      } else if (every !== undefined && step % every === 0) {
        await saveCheckpoint();
      }
      if (signal?.aborted && !finished) {
        await saveCheckpoint();
        return { history, steps: step, aborted: true, checkpoint: lastCheckpoint, recipe };
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { history, steps: step, aborted: false, evaluation, checkpoint: lastCheckpoint, recipe };
}
