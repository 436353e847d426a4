import {
  randomScaleCropFlip,
  type SegmentationAugmentation,
  segmentationBatches,
} from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import {
  type Checkpoint,
  type CheckpointState,
  emptyProgress,
  pruneCheckpoints,
  writeCheckpoint,
} from './checkpoints.js';
import { DivergenceError } from './divergence-error.js';
import { evaluateSegmentation, type SegmentationEvaluation } from './evaluate-segmentation.js';
import { maskCounts } from './mask-counts.js';
import { recomputingForward } from './recompute.js';
import { planRecompute } from './recompute-plan.js';
import { startingPoint } from './resume.js';
import type { SegmentationLossName, SegmentationLossOptions } from './segmentation-loss.js';
import { checkSegmentationLoss, checkSegmentationModel } from './segmentation-options.js';
import { segmentationStep } from './segmentation-step.js';
import type {
  SegmentationCallbacks,
  SegmentationEpochRecord,
  SegmentationFingerprint,
  SegmentationTrainingData,
} from './segmentation-training-data.js';
import { SgdMomentum } from './sgd-momentum.js';
import { isOutOfMemory, StepMemoryError } from './step-memory-error.js';
import { testPausePoint } from './test-hooks.js';
import type { TrainOptions, TrainResult } from './train.js';
import { resolveRecipe } from './train-options.js';
import { trainingFingerprint } from './training-fingerprint.js';

export interface TrainSegmentationOptions
  extends Omit<TrainOptions, 'data' | 'callbacks' | 'resume'> {
  /**
   * A LayersModel from images to per-pixel logits [batch, height, width, classes], or with two
   * outputs [main, auxiliary] (FCN, DeepLabv3); an output smaller than the masks is upsampled.
   */
  model: tf.LayersModel;
  data: SegmentationTrainingData;
  /** Default 'cross-entropy' (ignoring mask value 255, as PyTorch's `ignore_index=255`). */
  loss?: SegmentationLossName;
  /** A weight per class for the cross-entropy (PyTorch's `weight`); Dice is unweighted. */
  classWeights?: readonly number[];
  /** The auxiliary head's share of the loss: main + auxWeight·aux. Default 0.5 (torchvision). */
  auxWeight?: number;
  /**
   * Changes each batch's images and masks together. Default: `randomScaleCropFlip()` (scale
   * 0.5-2, crop, flip, as torchvision's segmentation reference) when the recipe augments (the
   * paper and modern recipes), none otherwise; `false` for none. The recipe's own
   * augmentation is for whole-image labels and is never applied to masks.
   */
  augmentation?: SegmentationAugmentation | false;
  callbacks?: SegmentationCallbacks;
  /** Continue from this checkpoint: the rest of the run is then bit for bit the original. */
  resume?: string | Checkpoint<SegmentationEpochRecord, SegmentationFingerprint>;
}

export interface TrainSegmentationResult extends Omit<TrainResult, 'history' | 'evaluation'> {
  /** Every epoch of the run, those before a resume included. */
  history: SegmentationEpochRecord[];
  /** The last epoch's evaluation on `data.test`, when this call evaluated one. */
  evaluation?: SegmentationEvaluation;
}

/**
 * Trains a segmentation model on `data.train` by `recipe` (its optimizer, schedule, weight
 * decay and label smoothing; see `train`), with a per-pixel loss that leaves ignored pixels
 * (255) out, the auxiliary head's loss weighted by `auxWeight`, and images and masks augmented
 * together; after each epoch, mean IoU, pixel accuracy and per-class IoU on `data.test`.
 * Seeded batches, checkpoints, exact resume, recomputation and the divergence guard are those
 * of `train`.
 *
 * @throws TrainOptionsError for options that cannot work (a classification model or data set,
 *   an output larger than the masks), CheckpointError for a checkpoint that is corrupt or
 *   belongs to another run, DivergenceError when the loss or a gradient stops being finite.
 */
export async function trainSegmentation(
  options: TrainSegmentationOptions,
): Promise<TrainSegmentationResult> {
  const { model, data, callbacks = {}, signal } = options;
  const recipe = resolveRecipe(options, 'trainSegmentation');
  checkSegmentationModel(model, data);
  checkSegmentationLoss(options, data.numClasses);
  const loss: SegmentationLossOptions = {
    loss: options.loss ?? 'cross-entropy',
    classWeights: options.classWeights,
    auxWeight: options.auxWeight ?? 0.5,
    labelSmoothing: recipe.labelSmoothing,
  };
  const augmentation =
    options.augmentation === false
      ? undefined
      : (options.augmentation ??
        (recipe.augmentation === undefined ? undefined : randomScaleCropFlip()));
  const seed = options.seed ?? 0;
  const { batchSize, epochs } = recipe;
  const perEpoch = Math.ceil(data.train.count / batchSize);
  const totalSteps = perEpoch * epochs;
  const schedule = recipe.schedule({
    learningRate: recipe.learningRate,
    stepsPerEpoch: perEpoch,
    totalSteps,
    model,
  });
  const fingerprint: SegmentationFingerprint = {
    ...trainingFingerprint(recipe, {
      seed,
      trainImages: data.train.count,
      numClasses: data.numClasses,
      totalSteps,
      schedule,
    }),
    augmentation: augmentation !== undefined,
    loss: loss.loss ?? 'cross-entropy',
    classWeights: options.classWeights === undefined ? null : [...options.classWeights],
    auxWeight: loss.auxWeight ?? 0.5,
  };
  const checkpointDir = options.checkpoints?.dir;
  const every = options.checkpoints?.every;
  const keep = options.checkpoints?.keep ?? 3;
  // Recomputation runs a single-output graph layer by layer; a model with an auxiliary head
  // keeps its activations ('auto'), and an explicit setting is refused in one line.
  const plan = await planRecompute({ model, batchSize, recompute: options.recompute });
  const forward =
    plan.segments === undefined || plan.graph === undefined
      ? undefined
      : recomputingForward(plan.graph, plan.segments);
  const optimizer = new SgdMomentum(model.trainableWeights, recipe);

  let step = 0;
  let progress = emptyProgress();
  const history: SegmentationEpochRecord[] = [];
  let lastCheckpoint: string | undefined;
  let lastCheckpointStep = -1;
  let evaluation: SegmentationEvaluation | undefined;

  const saveCheckpoint = async (next: { epoch: number; batch: number }) => {
    if (checkpointDir === undefined || lastCheckpointStep === step) return;
    const state: CheckpointState<SegmentationEpochRecord, SegmentationFingerprint> = {
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
    const start = await startingPoint<SegmentationEpochRecord, SegmentationFingerprint>({
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
      let since = performance.now();
      const tick = () => {
        progress.seconds += (performance.now() - since) / 1000;
        since = performance.now();
      };
      await callbacks.onEpochStart?.(epoch);
      let batch = firstBatch;
      for (const items of segmentationBatches(data.train, {
        batchSize,
        shuffle: true,
        seed,
        epoch,
        startBatch: firstBatch,
        normalization: data.normalization,
        augmentation,
      })) {
        const learningRate = schedule(step);
        const info = { epoch, batch, batches: perEpoch, step, learningRate };
        await callbacks.onBatchStart?.(info);
        let outcome: Awaited<ReturnType<typeof segmentationStep>>;
        try {
          outcome = await segmentationStep({
            model,
            optimizer,
            batch: items,
            loss,
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
          tf.dispose([items.images, items.masks]);
        }
        if (!outcome.applied) {
          throw new DivergenceError({ ...info, ...outcome, checkpoint: lastCheckpoint });
        }
        step++;
        batch++;
        progress.lossSum += outcome.loss;
        progress.correct += outcome.correct;
        progress.seen += outcome.counted;
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
      const record: SegmentationEpochRecord = {
        epoch,
        loss: progress.lossSum / perEpoch,
        accuracy: progress.seen === 0 ? 0 : progress.correct / progress.seen,
        learningRate: schedule(firstStep),
        endLearningRate: schedule(firstStep + perEpoch - 1),
        steps: step,
        seconds: 0,
      };
      if (data.test !== undefined) {
        evaluation = evaluateSegmentation(model, data.test, {
          numClasses: data.numClasses,
          classNames: data.classNames,
          normalization: data.normalization,
        });
        record.testLoss = evaluation.loss;
        record.testAccuracy = evaluation.pixelAccuracy;
        record.testMeanIoU = evaluation.meanIoU;
        record.testPerClassIoU = evaluation.perClass.map(({ iou }) =>
          Number.isNaN(iou) ? null : iou,
        );
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
