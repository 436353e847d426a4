import { Accuracy } from './accuracy.js';
import { type CalibrationBin, CalibrationError } from './calibration-error.js';
import { ConfusionMatrix } from './confusion-matrix.js';
import { LogLoss } from './log-loss.js';
import { MetricsError } from './metrics-error.js';
import {
  type AveragedScores,
  type ClassScores,
  checkZeroDivision,
  type IllDefinedClasses,
  precisionRecallF1,
} from './precision-recall.js';
import { checkSameLength, type Labels, labelValues } from './predictions.js';
import { checkScoreKind } from './score-kind.js';
import { checkClasses, rowArgMax, type ScoreKind, type Scores, scoreMatrix } from './scores.js';
import { TopKAccuracy, type TopKTies } from './top-k-accuracy.js';

export interface ClassificationMetricsOptions {
  numClasses: number;
  /** The k of each top-k accuracy. Default [5], left out when there are 5 classes or fewer. */
  topK?: readonly number[];
  /** Tie rule of top-k accuracy. Default `lower-index`. */
  ties?: TopKTies;
  /** Confidence bins of the calibration error. Default 15. */
  bins?: number;
  /** Whether scores are logits or probabilities. Default `logits`. */
  from?: ScoreKind;
  /** Value of an undefined precision, recall or F1 (0, 1 or NaN). Default 0. */
  zeroDivision?: number;
}

/** Every metric of a classifier, JSON-serialisable (NaN becomes null). */
export interface ClassificationReport {
  /** Examples evaluated. */
  count: number;
  accuracy: number;
  topK: { k: number; accuracy: number }[];
  /** Mean negative log-likelihood of the true class (natural log). */
  logLoss: number;
  expectedCalibrationError: number;
  calibrationBins: CalibrationBin[];
  /** `confusionMatrix[true][predicted]`. */
  confusionMatrix: number[][];
  perClass: ClassScores[];
  macro: AveragedScores;
  micro: AveragedScores;
  weighted: AveragedScores;
  illDefined: IllDefinedClasses;
  zeroDivision: number;
}

/**
 * All classification metrics at once, accumulated over batches: accuracy, top-k accuracy, the
 * confusion matrix, per-class and averaged precision, recall and F1, log-loss and expected
 * calibration error. Each batch's scores are read once and shared by every metric; a tensor
 * passed in is left as it is (the caller disposes it), and no tensor is created.
 */
export class ClassificationMetrics {
  readonly numClasses: number;
  private readonly zeroDivision: number;
  private readonly accuracy = new Accuracy();
  private readonly topK: TopKAccuracy[];
  private readonly confusion: ConfusionMatrix;
  private readonly logLoss: LogLoss;
  private readonly calibration: CalibrationError;

  constructor(options: ClassificationMetricsOptions) {
    this.numClasses = options.numClasses;
    this.confusion = new ConfusionMatrix(options.numClasses);
    const from = checkScoreKind(options.from ?? 'logits');
    const ks = options.topK ?? (options.numClasses > 5 ? [5] : []);
    const tooLarge = ks.find((k) => k > options.numClasses);
    if (tooLarge !== undefined) {
      throw new MetricsError(
        `Top-${tooLarge} accuracy needs more than ${options.numClasses} classes; choose k ≤ ${options.numClasses}.`,
      );
    }
    this.topK = ks.map((k) => new TopKAccuracy(k, { ties: options.ties }));
    this.logLoss = new LogLoss({ from });
    this.calibration = new CalibrationError({ bins: options.bins, from });
    this.zeroDivision = checkZeroDivision(options.zeroDivision ?? 0);
  }

  /** Adds one batch: true labels [N] and scores [N, C]. */
  update(labels: Labels, scores: Scores): void {
    const matrix = scoreMatrix(scores);
    const truth = labelValues(labels, this.numClasses);
    checkSameLength(truth.length, matrix.rows);
    checkClasses(matrix, this.numClasses);
    const predicted = Int32Array.from({ length: matrix.rows }, (_, row) => rowArgMax(matrix, row));
    this.accuracy.update(truth, predicted);
    this.confusion.update(truth, predicted);
    for (const topK of this.topK) topK.update(truth, matrix);
    this.logLoss.update(truth, matrix);
    this.calibration.update(truth, matrix);
  }

  /** Examples counted so far. */
  get count(): number {
    return this.accuracy.count;
  }

  result(): ClassificationReport {
    const scores = precisionRecallF1(this.confusion, { zeroDivision: this.zeroDivision });
    return {
      count: this.count,
      accuracy: this.accuracy.result(),
      topK: this.topK.map((metric) => ({ k: metric.k, accuracy: metric.result() })),
      logLoss: this.logLoss.result(),
      expectedCalibrationError: this.calibration.result(),
      calibrationBins: this.calibration.reliability(),
      confusionMatrix: this.confusion.counts(),
      ...scores,
    };
  }

  reset(): void {
    this.accuracy.reset();
    this.confusion.reset();
    for (const topK of this.topK) topK.reset();
    this.logLoss.reset();
    this.calibration.reset();
  }
}
