import { MetricsError } from './metrics-error.js';
import {
  checkSameLength,
  type Labels,
  labelValues,
  type Predictions,
  predictedClasses,
} from './predictions.js';

/**
 * Counts of (true class, predicted class) accumulated over batches: `counts()[t][p]` is the
 * number of examples of class t predicted as p.
 */
export class ConfusionMatrix {
  private readonly cells: Float64Array;

  constructor(readonly numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new MetricsError(`numClasses must be a positive integer, got ${numClasses}.`);
    }
    this.cells = new Float64Array(numClasses * numClasses);
  }

  /** Adds one batch: true labels [N] and scores [N, C] (or predicted classes [N]). */
  update(labels: Labels, predictions: Predictions): void {
    const truth = labelValues(labels, this.numClasses);
    const predicted = predictedClasses(predictions);
    checkSameLength(truth.length, predicted.length);
    const bad = predicted.findIndex((p) => p < 0 || p >= this.numClasses);
    if (bad >= 0) {
      throw new MetricsError(
        `Predicted class ${predicted[bad]} at ${bad} is outside the ${this.numClasses} classes.`,
      );
    }
    for (let i = 0; i < truth.length; i++) this.cells[truth[i] * this.numClasses + predicted[i]]++;
  }

  counts(): number[][] {
    return Array.from({ length: this.numClasses }, (_, t) =>
      Array.from(this.cells.subarray(t * this.numClasses, (t + 1) * this.numClasses)),
    );
  }

  /** Examples counted so far. */
  total(): number {
    return this.cells.reduce((a, b) => a + b, 0);
  }

  /** Fraction on the diagonal; NaN when empty. */
  accuracy(): number {
    let diagonal = 0;
    for (let c = 0; c < this.numClasses; c++) diagonal += this.cells[c * this.numClasses + c];
    const total = this.total();
    return total === 0 ? Number.NaN : diagonal / total;
  }

  reset(): void {
    this.cells.fill(0);
  }

  toJSON(): { numClasses: number; counts: number[][] } {
    return { numClasses: this.numClasses, counts: this.counts() };
  }
}
