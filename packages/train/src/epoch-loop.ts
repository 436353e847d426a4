// The epoch loop that `train` (images and labels) and `trainSegmentation` (images and masks)
// share: the schedule, the seeded position of every batch, checkpoints, exact resume, the stop
// signal, the divergence guard and the per-epoch record. What differs (the batches, the step,
// the evaluation) comes in as functions.
import * as tf from '@tensorflow/tfjs';
import {
  type Checkpoint,
  type CheckpointState,
  emptyProgress,
  pruneCheckpoints,
  writeCheckpoint,
} from './checkpoints.js';
import { DivergenceError } from './divergence-error.js';
import { maskCounts } from './mask-counts.js';
import type { Optimizer } from './optimizer.js';
import type { RecomputePlan } from './recompute-plan.js';
import { startingPoint } from './resume.js';
import type { LearningRateSchedule } from './schedules.js';
import { isOutOfMemory, StepMemoryError } from './step-memory-error.js';
import { testPausePoint } from './test-hooks.js';
import type { CheckpointOptions } from './train.js';
import type { EpochRecord, TrainCallbacks } from './train-callbacks.js';

/** What one optimizer step tells the loop. */
export interface LoopStep {
  loss: number;
  gradientNorm: number;
  /** Correct predictions (images, or pixels) in the batch. */
  correct: number;
  /** Predictions counted (images, or pixels not ignored): the accuracy's denominator. */
  seen: number;
  /** False when the loss or the gradient was not finite: then no weight was changed. */
  applied: boolean;
}

export interface EpochLoop<Batch, Record extends EpochRecord, Fingerprint, Evaluation> {
  model: tf.LayersModel;
  optimizer: Optimizer;
  epochs: number;
  batchSize: number;
  stepsPerEpoch: number;
  schedule: LearningRateSchedule;
  seed: number;
  fingerprint: Fingerprint;
  /** For the out-of-memory message. */
  plan: RecomputePlan;
  recomputing: boolean;
  checkpoints?: CheckpointOptions;
  resume?: string | Checkpoint<Record, Fingerprint>;
  signal?: AbortSignal;
  callbacks: TrainCallbacks<Record, Evaluation>;
  /** The batches of `epoch` from `startBatch` on, drawn from (seed, epoch, batch) alone. */
  batches(epoch: number, startBatch: number): Iterable<Batch>;
  /** One optimizer step on `batch` (whose tensors it disposes); `beforeUpdate` between the gradient and the update. */
  step(batch: Batch, learningRate: number, beforeUpdate: () => Promise<void>): Promise<LoopStep>;
  /** Evaluates the model after an epoch, adding the test fields to `record`. */
  evaluate?(record: Record): Evaluation;
}

export interface LoopResult<Record, Evaluation> {
  history: Record[];
  steps: number;
  aborted: boolean;
  evaluation?: Evaluation;
  checkpoint?: string;
}

/** Runs (or resumes) the epochs of `loop`; the caller disposes the optimizer. */
export async function runEpochs<
  Batch,
  Record extends EpochRecord,
  Fingerprint extends object,
  Evaluation,
>(
  loop: EpochLoop<Batch, Record, Fingerprint, Evaluation>,
): Promise<LoopResult<Record, Evaluation>> {
  const { model, optimizer, epochs, batchSize, stepsPerEpoch: perEpoch, schedule } = loop;
  const { seed, fingerprint, callbacks, signal } = loop;
  const checkpointDir = loop.checkpoints?.dir;
  const every = loop.checkpoints?.every;
  const keep = loop.checkpoints?.keep ?? 3;

  let step = 0;
  let progress = emptyProgress();
  const history: Record[] = [];
  let lastCheckpoint: string | undefined;
  let lastCheckpointStep = -1;
  let evaluation: Evaluation | undefined;

  const saveCheckpoint = async (next: { epoch: number; batch: number }) => {
    if (checkpointDir === undefined || lastCheckpointStep === step) return;
    const state: CheckpointState<Record, Fingerprint> = {
      format: 'residual-checkpoint',
      version: 1,
      step,
      ...next,
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
    await callbacks.onCheckpoint?.({ path: lastCheckpoint, step, ...next });
  };

  const start = await startingPoint<Record, Fingerprint>({
    model,
    optimizer,
    fingerprint,
    checkpointDir,
    resume: loop.resume,
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
    for (const items of loop.batches(epoch, firstBatch)) {
      const learningRate = schedule(step);
      const info = { epoch, batch, batches: perEpoch, step, learningRate };
      await callbacks.onBatchStart?.(info);
      let outcome: LoopStep;
      try {
        outcome = await loop.step(items, learningRate, () =>
          testPausePoint(`step:${step + 1}`, signal),
        );
      } catch (error) {
        const { plan } = loop;
        if (!isOutOfMemory(error) || plan.limitBytes === undefined) throw error;
        throw new StepMemoryError(
          {
            model: model.name,
            batchSize,
            neededBytes: plan.estimatedBytes,
            limitBytes: plan.limitBytes,
            backend: tf.getBackend(),
            recomputing: loop.recomputing,
            largestBatch: Math.floor(batchSize / 2),
            ranOut: true,
          },
          { cause: error },
        );
      }
      if (!outcome.applied) {
        throw new DivergenceError({ ...info, ...outcome, checkpoint: lastCheckpoint });
      }
      step++;
      batch++;
      progress.lossSum += outcome.loss;
      progress.correct += outcome.correct;
      progress.seen += outcome.seen;
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
        return { history, steps: step, aborted: true, checkpoint: lastCheckpoint };
      }
    }

    const firstStep = epoch * perEpoch;
    const record = {
      epoch,
      loss: progress.lossSum / perEpoch,
      accuracy: progress.seen === 0 ? 0 : progress.correct / progress.seen,
      learningRate: schedule(firstStep),
      endLearningRate: schedule(firstStep + perEpoch - 1),
      steps: step,
      seconds: 0,
    } as Record;
    if (loop.evaluate !== undefined) evaluation = loop.evaluate(record);
    tick();
    record.seconds = progress.seconds;
    history.push(record);
    await saveCheckpoint({ epoch: epoch + 1, batch: 0 });
    await callbacks.onEpochEnd?.(record, evaluation);
    if (signal?.aborted && epoch + 1 < epochs) {
      return { history, steps: step, aborted: true, evaluation, checkpoint: lastCheckpoint };
    }
  }
  return { history, steps: step, aborted: false, evaluation, checkpoint: lastCheckpoint };
}
