import { ConfusionMatrix } from './confusion-matrix.js';
import { MetricsError } from './metrics-error.js';

/** Precision, recall and F1 of one class. */
export interface ClassScores {
  /** The class index. */
  label: number;
  precision: number;
  recall: number;
  f1: number;
  /** Examples of this class (true positives + false negatives). */
  support: number;
  /** Examples predicted as this class (true positives + false positives). */
  predicted: number;
  truePositives: number;
}

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Classes whose score was undefined (a zero denominator) and set to the zero-division value. */
export interface IllDefinedClasses {
  /** Never predicted: precision = TP / 0. */
  precision: number[];
  /** Never occur: recall = TP / 0. */
  recall: number[];
  /** Neither occur nor predicted: F1 = 2TP / (2TP + FP + FN) = 0 / 0. */
  f1: number[];
}

export interface PrecisionRecallReport {
  perClass: ClassScores[];
  /** Unweighted mean over all classes, ill-defined ones included at the zero-division value. */
  macro: AveragedScores;
  /**
   * From the counts pooled over classes. With one label per example every error is one false
   * positive and one false negative, so micro precision = recall = F1 = accuracy.
   */
  micro: AveragedScores;
  /** Mean over classes weighted by support: classes that never occur weigh nothing. */
  weighted: AveragedScores;
  illDefined: IllDefinedClasses;
  /** The value that replaced each undefined 0/0 or x/0 score. */
  zeroDivision: number;
}

export interface PrecisionRecallOptions {
  /**
   * The value of a score whose denominator is zero: 0 (default), 1, or NaN (serialised as null
   * in JSON). The same convention as scikit-learn's `zero_division`; `illDefined` lists the
   * classes it was applied to.
   */
  zeroDivision?: number;
}

/**
 * Per-class, macro, micro and support-weighted precision, recall and F1 from a confusion matrix
 * (a {@link ConfusionMatrix} or its counts, `counts[true][predicted]`). Computed as
 * scikit-learn's `precision_recall_fscore_support` does with `labels=range(C)`: F1 is
 * 2TP / (2TP + FP + FN), so it is defined whenever the class occurs or is predicted.
 */
export function precisionRecallF1(
  confusion: ConfusionMatrix | readonly (readonly number[])[],
  options: PrecisionRecallOptions = {},
): PrecisionRecallReport {
  const zeroDivision = checkZeroDivision(options.zeroDivision ?? 0);
  const counts = confusion instanceof ConfusionMatrix ? confusion.counts() : confusion;
  const classes = counts.length;
  if (counts.some((row) => row.length !== classes)) {
    throw new MetricsError(
      `A confusion matrix must be square, got ${classes} rows of lengths ${counts.map((r) => r.length)}.`,
    );
  }
  const illDefined: IllDefinedClasses = { precision: [], recall: [], f1: [] };
  const divide = (
    numerator: number,
    denominator: number,
    label: number,
    which: keyof IllDefinedClasses,
  ) => {
    if (denominator > 0) return numerator / denominator;
    illDefined[which].push(label);
    return zeroDivision;
  };

  const perClass: ClassScores[] = counts.map((row, label) => {
    const truePositives = row[label];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((sum, other) => sum + other[label], 0);
    return {
      label,
      precision: divide(truePositives, predicted, label, 'precision'),
      recall: divide(truePositives, support, label, 'recall'),
      f1: divide(2 * truePositives, support + predicted, label, 'f1'),
      support,
      predicted,
      truePositives,
    };
  });

  const total = perClass.reduce((n, c) => n + c.support, 0);
  const pooledTruePositives = perClass.reduce((n, c) => n + c.truePositives, 0);
  // Pooled over classes, false positives and false negatives each number total - TP.
  const micro = total > 0 ? pooledTruePositives / total : zeroDivision;
  // As in scikit-learn, a NaN zero-division value leaves the class out of the averages.
  const mean = (key: keyof AveragedScores, weight: (c: ClassScores) => number) => {
    const counted = perClass.filter((c) => !Number.isNaN(c[key]));
    const weights = counted.reduce((n, c) => n + weight(c), 0);
    if (weights === 0) return zeroDivision;
    return counted.reduce((sum, c) => sum + weight(c) * c[key], 0) / weights;
  };
  const average = (weight: (c: ClassScores) => number): AveragedScores => ({
    precision: mean('precision', weight),
    recall: mean('recall', weight),
    f1: mean('f1', weight),
  });

  return {
    perClass,
    macro: average(() => 1),
    micro: { precision: micro, recall: micro, f1: micro },
    weighted: average((c) => c.support),
    illDefined,
    zeroDivision,
  };
}

/** Checks a zero-division value: 0, 1 or NaN. */
export function checkZeroDivision(value: number): number {
  if (!(value === 0 || value === 1 || Number.isNaN(value))) {
    throw new MetricsError(`zeroDivision must be 0, 1 or NaN, got ${value}.`);
  }
  return value;
}
