import * as tf from '@tensorflow/tfjs';
import { MetricsError } from './metrics-error.js';

/** What a row of scores holds: raw logits (softmax is applied) or probabilities. */
export type ScoreKind = 'logits' | 'probabilities';

export const SCORE_KINDS: readonly ScoreKind[] = ['logits', 'probabilities'];

/** Class scores of N examples, row-major: `values[i * classes + c]` scores class c of row i. */
export interface ScoreMatrix {
  readonly rows: number;
  readonly classes: number;
  readonly values: ArrayLike<number>;
}

/** Class scores [N, C]: a rank-2 tensor, rows of numbers, or a {@link ScoreMatrix}. */
export type Scores = tf.Tensor | readonly ArrayLike<number>[] | ScoreMatrix;

/**
 * Reads scores into a {@link ScoreMatrix} (one read of a tensor, which is left as it is), so
 * several metrics can share one read of a batch.
 */
export function scoreMatrix(scores: Scores): ScoreMatrix {
  if (scores instanceof tf.Tensor) {
    if (scores.rank !== 2) {
      throw new MetricsError(`Scores must have shape [N, classes], got [${scores.shape}].`);
    }
    const [rows, classes] = scores.shape as [number, number];
    return { rows, classes, values: scores.dataSync() };
  }
  if (!Array.isArray(scores)) return scores as ScoreMatrix;
  const rows = scores as readonly ArrayLike<number>[];
  const classes = rows.length === 0 ? 0 : rows[0].length;
  const values = new Float64Array(rows.length * classes);
  rows.forEach((row, i) => {
    if (row.length !== classes) {
      throw new MetricsError(`Score row ${i} has ${row.length} classes, row 0 has ${classes}.`);
    }
    values.set(Array.from(row), i * classes);
  });
  return { rows: rows.length, classes, values };
}

/** Throws unless `scores` has one column per class. */
export function checkClasses(scores: ScoreMatrix, numClasses: number): void {
  if (scores.rows > 0 && scores.classes !== numClasses) {
    throw new MetricsError(`Scores have ${scores.classes} classes, expected ${numClasses}.`);
  }
}

/**
 * The probabilities of row `row` into `out` (float64): softmax of logits, computed stably, or
 * the probabilities as given.
 */
export function rowProbabilities(
  scores: ScoreMatrix,
  row: number,
  kind: ScoreKind,
  out: Float64Array,
): Float64Array {
  const { classes, values } = scores;
  const offset = row * classes;
  if (kind === 'probabilities') {
    for (let c = 0; c < classes; c++) out[c] = values[offset + c];
    return out;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) max = Math.max(max, values[offset + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    out[c] = Math.exp(values[offset + c] - max);
    sum += out[c];
  }
  for (let c = 0; c < classes; c++) out[c] /= sum;
  return out;
}

/**
 * The index of the largest score of `row`; ties go to the lower class index, as in tf.argMax,
 * and NaN ranks below every number.
 */
export function rowArgMax(scores: ScoreMatrix, row: number): number {
  const { classes, values } = scores;
  const offset = row * classes;
  let best = 0;
  for (let c = 1; c < classes; c++) {
    const value = values[offset + c];
    const top = values[offset + best];
    if (value > top || (Number.isNaN(top) && !Number.isNaN(value))) best = c;
  }
  return best;
}
