import type { LanguageEvaluation } from './evaluate-language-model.js';
import type { CheckpointInfo } from './train-callbacks.js';

/** What language-model training needs of a text; a `TextDataset` from @residual/datasets fits. */
export interface LanguageTrainingData {
  /** Token ids to train on. */
  train: Int32Array;
  /** Held-out token ids, measured every `evalEvery` steps when given. */
  validation?: Int32Array;
  /** The model's vocabulary: every token id is below it. */
  vocabSize: number;
}

/** One measurement of a language-model run (every `evalEvery` steps and at the end). */
export interface LanguageRecord {
  /** Optimizer steps taken. */
  step: number;
  /** Mean training loss (nats per token) over the steps since the previous record. */
  loss: number;
  /** Training next-token accuracy over those steps. */
  accuracy: number;
  /** The rate of the record's last step. */
  learningRate: number;
  /** Wall time since the previous record, the measurement included (summed over a resume). */
  seconds: number;
  /** Mean next-token loss on the validation windows, nats per token. */
  validationLoss?: number;
  /** validationLoss / ln 2: bits per character (char tokenizer) or per byte. */
  validationBits?: number;
  validationAccuracy?: number;
}

export interface StepEndInfo {
  /** Steps taken, this one included. */
  step: number;
  /** Steps in the run. */
  steps: number;
  loss: number;
  /** Global gradient norm before clipping. */
  gradientNorm: number;
  learningRate: number;
}

/** Called as a language model trains; a returned promise is awaited before training goes on. */
export interface LanguageCallbacks {
  onStepEnd?(info: StepEndInfo): void | Promise<void>;
  /** After each validation measurement and its checkpoint. */
  onEvaluation?(record: LanguageRecord, evaluation?: LanguageEvaluation): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
}
