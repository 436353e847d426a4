import type { Normalization, SegmentationSplit } from '@residual/datasets';
import type { SegmentationEvaluation } from './evaluate-segmentation.js';
import type { OptimizerKind } from './optimizer.js';
import type { SegmentationLossName } from './segmentation-loss.js';
import type { EpochRecord, TrainCallbacks } from './train-callbacks.js';
import type { TrainingFingerprint } from './training-fingerprint.js';

/** What segmentation training needs of a data set; a `SegmentationDataset` fits. */
export interface SegmentationTrainingData {
  train: SegmentationSplit;
  /** Held-out images and masks evaluated after every epoch, when given. */
  test?: SegmentationSplit;
  /** Classes, background included; mask value 255 is ignored. */
  numClasses: number;
  /** Names for the per-class scores. Default the class indices. */
  classNames?: readonly string[];
  normalization?: Normalization;
}

/**
 * One epoch of a segmentation run: a classification epoch's record, where `accuracy` and
 * `testAccuracy` are pixel accuracies (ignored pixels left out), with the test set's IoU.
 */
export interface SegmentationEpochRecord extends EpochRecord {
  /** Mean IoU over the classes present in the test masks or predicted. */
  testMeanIoU?: number;
  /** IoU of each class on the test set; null for a class neither present nor predicted. */
  testPerClassIoU?: (number | null)[];
}

/** Called as a segmentation model trains; a returned promise is awaited before training goes on. */
export type SegmentationCallbacks = TrainCallbacks<SegmentationEpochRecord, SegmentationEvaluation>;

/** A segmentation run's configuration, stored in its checkpoints and compared on resume. */
export interface SegmentationFingerprint extends TrainingFingerprint {
  loss: SegmentationLossName;
  classWeights: number[] | null;
  auxWeight: number;
  optimizer: OptimizerKind;
}
