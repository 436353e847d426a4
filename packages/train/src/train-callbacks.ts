import type { Evaluation } from './evaluate.js';

export interface BatchStartInfo {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Batches in the epoch. */
  batches: number;
  /** Optimizer steps taken before this one. */
  step: number;
  /** The rate this step runs at. */
  learningRate: number;
}

export interface BatchEndInfo extends BatchStartInfo {
  /** Optimizer steps taken so far in the run, this one included. */
  step: number;
  loss: number;
  /** L2 norm of the whole gradient (before weight decay). */
  gradientNorm: number;
}

/** One epoch of the run's history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (label smoothing included). */
  loss: number;
  /** Training accuracy over the epoch (training-mode batch norm, as the weights moved). */
  accuracy: number;
  /** Learning rate of the epoch's first step. */
  learningRate: number;
  /** Learning rate of the epoch's last step. */
  endLearningRate: number;
  /** Optimizer steps taken by the end of the epoch. */
  steps: number;
  /** Wall time of the epoch, evaluation included (summed over a resume). */
  seconds: number;
  testLoss?: number;
  testAccuracy?: number;
}

/** A checkpoint that was just written. */
export interface CheckpointInfo {
  path: string;
  /** Steps taken when it was written. */
  step: number;
  /** The epoch and batch a resume continues from. */
  epoch: number;
  batch: number;
}

/**
 * Called as training runs; a returned promise is awaited before training goes on. `Record` and
 * `Result` are a classification run's by default; `trainSegmentation` passes its own.
 */
export interface TrainCallbacks<Record extends EpochRecord = EpochRecord, Result = Evaluation> {
  /** At the start of each epoch, and when a resumed run continues one. */
  onEpochStart?(epoch: number): void | Promise<void>;
  onBatchStart?(info: BatchStartInfo): void | Promise<void>;
  onBatchEnd?(info: BatchEndInfo): void | Promise<void>;
  /** After the epoch's evaluation and its checkpoint. */
  onEpochEnd?(record: Record, evaluation?: Result): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
}
