import {
  randomScaleCropFlip,
  type SegmentationAugmentation,
  type SegmentationBatch,
  segmentationBatches,
} from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from './adamw.js';
import type { Checkpoint } from './checkpoints.js';
import { runEpochs } from './epoch-loop.js';
import { evaluateSegmentation, type SegmentationEvaluation } from './evaluate-segmentation.js';
import type { OptimizerKind } from './optimizer.js';
import { planForward, planRecompute } from './recompute-plan.js';
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
  /**
   * 'sgd-momentum' (default): the recipe's momentum SGD. 'adamw': Adam with decoupled weight
   * decay (PyTorch's `AdamW`, β 0.9 / 0.999, the recipe's weight decay decoupled) at the
   * recipe's learning rate and schedule, as segmentation_models_pytorch's examples train;
   * give it a rate near 1e-3.
   */
  optimizer?: OptimizerKind;
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
  const { model, data } = options;
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
    optimizer: options.optimizer ?? 'sgd-momentum',
  };
  // Recomputation runs a single-output graph layer by layer; a model with an auxiliary head
  // keeps its activations ('auto'), and an explicit setting is refused in one line.
  const plan = await planRecompute({ model, batchSize, recompute: options.recompute });
  const forward = planForward(plan);
  const optimizer =
    options.optimizer === 'adamw'
      ? new AdamW(model.trainableWeights, {
          weightDecay: recipe.weightDecay,
          weightDecayAppliesTo: recipe.weightDecayAppliesTo,
        })
      : new SgdMomentum(model.trainableWeights, recipe);
  const test = data.test;
  try {
    const result = await runEpochs<
      SegmentationBatch,
      SegmentationEpochRecord,
      SegmentationFingerprint,
      SegmentationEvaluation
    >({
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
        segmentationBatches(data.train, {
          batchSize,
          shuffle: true,
          seed,
          epoch,
          startBatch,
          normalization: data.normalization,
          augmentation,
        }),
      step: async (items, learningRate, beforeUpdate) => {
        try {
          const outcome = await segmentationStep({
            model,
            optimizer,
            batch: items,
            loss,
            learningRate,
            beforeUpdate,
            forward,
          });
          return { ...outcome, seen: outcome.counted };
        } finally {
          tf.dispose([items.images, items.masks]);
        }
      },
      evaluate:
        test === undefined
          ? undefined
          : (record) => {
              const evaluation = evaluateSegmentation(model, test, {
                numClasses: data.numClasses,
                classNames: data.classNames,
                normalization: data.normalization,
              });
              record.testLoss = evaluation.loss;
              record.testAccuracy = evaluation.pixelAccuracy;
              record.testMeanIoU = evaluation.meanIoU;
              // null, not NaN, for a class neither present nor predicted: as JSON writes it.
              record.testPerClassIoU = evaluation.perClass.map(({ iou }) =>
                Number.isNaN(iou) ? null : iou,
              );
              return evaluation;
            },
    });
    return { ...result, recipe };
  } finally {
    optimizer.dispose();
  }
}
