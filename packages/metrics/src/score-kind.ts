import { MetricsError } from './metrics-error.js';
import { SCORE_KINDS, type ScoreKind, type ScoreMatrix } from './scores.js';

/** Checks a `from` option. */
export function checkScoreKind(kind: string): ScoreKind {
  if (!(SCORE_KINDS as readonly string[]).includes(kind)) {
    throw new MetricsError(`Scores must be one of ${SCORE_KINDS.join(', ')}, got '${kind}'.`);
  }
  return kind as ScoreKind;
}

/**
 * Throws when a row given as probabilities does not sum to 1: the usual mistake is passing
 * logits, which the message points out.
 */
export function checkProbabilityRow(
  scores: ScoreMatrix,
  row: number,
  probabilities: Float64Array,
): void {
  let sum = 0;
  let negative = false;
  for (let c = 0; c < scores.classes; c++) {
    sum += probabilities[c];
    if (probabilities[c] < 0) negative = true;
  }
  if (negative || !(Math.abs(sum - 1) <= 1e-3)) {
    throw new MetricsError(
      `Probability row ${row} ${negative ? 'has a negative entry' : `sums to ${sum}, not 1`}; ` +
        `pass { from: 'logits' } for logits.`,
    );
  }
}
