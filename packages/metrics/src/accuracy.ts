import {
  checkSameLength,
  type Labels,
  labelValues,
  type Predictions,
  predictedClasses,
} from './predictions.js';

/** Top-1 accuracy accumulated over batches. */
export class Accuracy {
  private correct = 0;
  private seen = 0;

  /** Adds one batch: true labels [N] and scores [N, C] (or predicted classes [N]). */
  update(labels: Labels, predictions: Predictions): void {
    const truth = labelValues(labels);
    const predicted = predictedClasses(predictions);
    checkSameLength(truth.length, predicted.length);
    for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) this.correct++;
    this.seen += truth.length;
  }

  /** Fraction correct so far; NaN before the first update. */
  result(): number {
    return this.seen === 0 ? Number.NaN : this.correct / this.seen;
  }

  get count(): number {
    return this.seen;
  }

  reset(): void {
    this.correct = 0;
    this.seen = 0;
  }
}
