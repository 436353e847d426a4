import { MetricsError } from './metrics-error.js';
import { checkSameLength, type Labels, labelValues } from './predictions.js';
import { checkProbabilityRow, checkScoreKind } from './score-kind.js';
import { rowProbabilities, type ScoreKind, type Scores, scoreMatrix } from './scores.js';

/** One confidence bin of a reliability diagram. */
export interface CalibrationBin {
  /** The bin holds confidences in (lower, upper]; the first bin also holds 0. */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's examples; NaN when empty. */
  confidence: number;
  /** Fraction of the bin's examples predicted correctly; NaN when empty. */
  accuracy: number;
}

export interface CalibrationErrorOptions {
  /** Equal-width confidence bins over [0, 1]. Default 15, as in Guo et al. 2017. */
  bins?: number;
  /** Whether rows are logits (softmax applied) or probabilities. Default `logits`. */
  from?: ScoreKind;
}

/**
 * Expected calibration error (Guo, Pleiss, Sun, Weinberger 2017, "On Calibration of Modern
 * Neural Networks", §2) accumulated over batches: each example's confidence is its largest
 * class probability and it is correct when that class (the lower index on ties, as argmax) is
 * the true one; examples fall into equal-width bins (l, u] of confidence, and
 * ECE = Σ_bins (n_bin / N) · |accuracy_bin − confidence_bin|.
 */
export class CalibrationError {
  readonly bins: number;
  readonly from: ScoreKind;
  private readonly counts: Float64Array;
  private readonly confidenceSums: Float64Array;
  private readonly correctCounts: Float64Array;

  constructor(options: CalibrationErrorOptions = {}) {
    this.bins = options.bins ?? 15;
    if (!Number.isInteger(this.bins) || this.bins < 1) {
      throw new MetricsError(`Calibration bins must be a positive integer, got ${this.bins}.`);
    }
    this.from = checkScoreKind(options.from ?? 'logits');
    this.counts = new Float64Array(this.bins);
    this.confidenceSums = new Float64Array(this.bins);
    this.correctCounts = new Float64Array(this.bins);
  }

  /** Adds one batch: true labels [N] and scores [N, C]. */
  update(labels: Labels, scores: Scores): void {
    const matrix = scoreMatrix(scores);
    const truth = labelValues(labels, matrix.rows === 0 ? undefined : matrix.classes);
    checkSameLength(truth.length, matrix.rows);
    const probabilities = new Float64Array(matrix.classes);
    for (let row = 0; row < truth.length; row++) {
      rowProbabilities(matrix, row, this.from, probabilities);
      if (this.from === 'probabilities') checkProbabilityRow(matrix, row, probabilities);
      let predicted = 0;
      for (let c = 1; c < matrix.classes; c++) {
        if (probabilities[c] > probabilities[predicted]) predicted = c;
      }
      const confidence = probabilities[predicted];
      const bin = this.binOf(confidence);
      this.counts[bin]++;
      this.confidenceSums[bin] += confidence;
      if (predicted === truth[row]) this.correctCounts[bin]++;
    }
  }

  /** The bin (l, u] that holds `confidence`, with boundaries b / bins compared exactly. */
  private binOf(confidence: number): number {
    let bin = Math.min(this.bins - 1, Math.max(0, Math.ceil(confidence * this.bins) - 1));
    // confidence * bins can round across a boundary; the boundary itself decides.
    if (bin > 0 && confidence <= bin / this.bins) bin--;
    else if (bin < this.bins - 1 && confidence > (bin + 1) / this.bins) bin++;
    return bin;
  }

  /** ECE so far, in [0, 1]; NaN before the first example. */
  result(): number {
    const total = this.count;
    if (total === 0) return Number.NaN;
    let sum = 0;
    for (let b = 0; b < this.bins; b++) {
      sum += Math.abs(this.correctCounts[b] - this.confidenceSums[b]);
    }
    return sum / total;
  }

  /** The bins of the reliability diagram: range, count, mean confidence and accuracy. */
  reliability(): CalibrationBin[] {
    return Array.from({ length: this.bins }, (_, b) => ({
      lower: b / this.bins,
      upper: (b + 1) / this.bins,
      count: this.counts[b],
      confidence: this.counts[b] === 0 ? Number.NaN : this.confidenceSums[b] / this.counts[b],
      accuracy: this.counts[b] === 0 ? Number.NaN : this.correctCounts[b] / this.counts[b],
    }));
  }

  /** Examples counted so far. */
  get count(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.counts.fill(0);
    this.confidenceSums.fill(0);
    this.correctCounts.fill(0);
  }
}
