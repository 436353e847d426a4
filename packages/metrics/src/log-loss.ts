import { checkSameLength, type Labels, labelValues } from './predictions.js';
import { checkProbabilityRow, checkScoreKind } from './score-kind.js';
import { rowProbabilities, type ScoreKind, type Scores, scoreMatrix } from './scores.js';

export interface LogLossOptions {
  /** Whether rows are logits (softmax applied) or probabilities. Default `logits`. */
  from?: ScoreKind;
  /**
   * Probabilities are clipped below at this value, so a confident mistake costs
   * -ln(epsilon) (34.5 at the default 1e-15) instead of infinity. Logits are never clipped:
   * their log-softmax is computed exactly.
   */
  epsilon?: number;
}

/**
 * Log-loss (mean negative log-likelihood of the true class, natural logarithm, i.e. the softmax
 * cross-entropy of logits) accumulated over batches in float64.
 */
export class LogLoss {
  readonly from: ScoreKind;
  readonly epsilon: number;
  private sum = 0;
  private seen = 0;

  constructor(options: LogLossOptions = {}) {
    this.from = checkScoreKind(options.from ?? 'logits');
    this.epsilon = options.epsilon ?? 1e-15;
  }

  /** Adds one batch: true labels [N] and scores [N, C]. */
  update(labels: Labels, scores: Scores): void {
    const matrix = scoreMatrix(scores);
    const truth = labelValues(labels, matrix.rows === 0 ? undefined : matrix.classes);
    checkSameLength(truth.length, matrix.rows);
    const { classes, values } = matrix;
    const probabilities = new Float64Array(classes);
    for (let row = 0; row < truth.length; row++) {
      const offset = row * classes;
      if (this.from === 'logits') {
        // -log softmax(x)[t] = logsumexp(x) - x[t], with the maximum factored out.
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < classes; c++) max = Math.max(max, values[offset + c]);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(values[offset + c] - max);
        this.sum += max + Math.log(sum) - values[offset + truth[row]];
      } else {
        rowProbabilities(matrix, row, 'probabilities', probabilities);
        checkProbabilityRow(matrix, row, probabilities);
        this.sum -= Math.log(Math.max(probabilities[truth[row]], this.epsilon));
      }
    }
    this.seen += truth.length;
  }

  /** Mean log-loss so far; NaN before the first example. */
  result(): number {
    return this.seen === 0 ? Number.NaN : this.sum / this.seen;
  }

  /** Examples counted so far. */
  get count(): number {
    return this.seen;
  }

  reset(): void {
    this.sum = 0;
    this.seen = 0;
  }
}
