import { MetricsError } from './metrics-error.js';
import { checkSameLength, type Labels, labelValues } from './predictions.js';
import { type Scores, scoreMatrix } from './scores.js';

/**
 * How a class whose score equals the true class's score is ranked:
 * - `lower-index` (default): the lower class index ranks first, as `tf.topk` and `tf.argMax`
 *   break ties, so top-1 accuracy equals {@link Accuracy} on the same scores;
 * - `pessimistic`: every tied class ranks before the true class, so a prediction that cannot
 *   tell the true class from others (all scores equal, say) never counts as correct.
 */
export type TopKTies = 'lower-index' | 'pessimistic';

export const TOP_K_TIES: readonly TopKTies[] = ['lower-index', 'pessimistic'];

export interface TopKAccuracyOptions {
  /** How ties with the true class's score are ranked. Default `lower-index`. */
  ties?: TopKTies;
}

/**
 * Top-k accuracy accumulated over batches: the fraction of examples whose true class is among
 * the k highest-scoring classes. A row's true class ranks `r` = (classes scoring higher) + (tied
 * classes ranked first by `ties`); it counts as correct when `r < k`. A NaN score ranks below
 * every number, so a true class scored NaN is never in the top k.
 */
export class TopKAccuracy {
  readonly ties: TopKTies;
  private correct = 0;
  private seen = 0;

  constructor(
    readonly k: number,
    options: TopKAccuracyOptions = {},
  ) {
    if (!Number.isInteger(k) || k < 1) {
      throw new MetricsError(`Top-k accuracy needs a positive integer k, got ${k}.`);
    }
    this.ties = options.ties ?? 'lower-index';
    if (!TOP_K_TIES.includes(this.ties)) {
      throw new MetricsError(
        `Top-k ties must be one of ${TOP_K_TIES.join(', ')}, got '${this.ties}'.`,
      );
    }
  }

  /** Adds one batch: true labels [N] and scores [N, C] (logits or probabilities). */
  update(labels: Labels, scores: Scores): void {
    const matrix = scoreMatrix(scores);
    const truth = labelValues(labels, matrix.rows === 0 ? undefined : matrix.classes);
    checkSameLength(truth.length, matrix.rows);
    const { classes, values } = matrix;
    for (let row = 0; row < truth.length; row++) {
      const offset = row * classes;
      const label = truth[row];
      const score = values[offset + label];
      if (Number.isNaN(score)) continue;
      let rank = 0;
      for (let c = 0; c < classes && rank < this.k; c++) {
        const other = values[offset + c];
        if (other > score) rank++;
        else if (other === score && c !== label && (this.ties === 'pessimistic' || c < label))
          rank++;
      }
      if (rank < this.k) this.correct++;
    }
    this.seen += truth.length;
  }

  /** Fraction correct so far; NaN before the first example. */
  result(): number {
    return this.seen === 0 ? Number.NaN : this.correct / this.seen;
  }

  /** Examples counted so far. */
  get count(): number {
    return this.seen;
  }

  reset(): void {
    this.correct = 0;
    this.seen = 0;
  }
}
