/**
 * A character n-gram model with add-k smoothing and back-off to shorter contexts for contexts
 * never seen in training ("stupid" back-off without the discount: a baseline, not a rival).
 * It is what a language model has to beat: on a character corpus a 5-gram reaches about
 * 2 bits per character.
 */
export class NgramModel {
  /** Count of each (context, next) pair, keyed by the context's tokens then the next one. */
  private readonly counts: Map<string, Map<number, number>>[];
  private readonly totals: Map<string, number>[];

  constructor(
    readonly order: number,
    readonly vocabSize: number,
    /** Added to every count (add-k, Lidstone). */
    readonly k = 0.01,
  ) {
    if (!Number.isInteger(order) || order < 1) {
      throw new RangeError(`order must be a positive integer, got ${order}.`);
    }
    if (!(k > 0)) throw new RangeError(`k must be positive, got ${k}.`);
    this.counts = Array.from({ length: order }, () => new Map());
    this.totals = Array.from({ length: order }, () => new Map());
  }

  /** Counts every n-gram of orders 1 … order in `tokens`. */
  fit(tokens: ArrayLike<number>): this {
    for (let i = 0; i < tokens.length; i++) {
      for (let length = 0; length < this.order && length <= i; length++) {
        const key = contextKey(tokens, i - length, i);
        const next = this.counts[length].get(key) ?? new Map<number, number>();
        next.set(tokens[i], (next.get(tokens[i]) ?? 0) + 1);
        this.counts[length].set(key, next);
        this.totals[length].set(key, (this.totals[length].get(key) ?? 0) + 1);
      }
    }
    return this;
  }

  /**
   * Mean cross-entropy of `tokens` in nats per token: each token predicted from the longest
   * context of at most order − 1 tokens seen in training.
   */
  crossEntropy(tokens: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < tokens.length; i++) sum -= Math.log(this.probability(tokens, i));
    return sum / tokens.length;
  }

  /** P(tokens[i] | up to order − 1 tokens before it), add-k smoothed. */
  probability(tokens: ArrayLike<number>, i: number): number {
    for (let length = Math.min(this.order - 1, i); length >= 0; length--) {
      const key = contextKey(tokens, i - length, i);
      const total = this.totals[length].get(key);
      if (total === undefined) continue;
      const count = this.counts[length].get(key)?.get(tokens[i]) ?? 0;
      return (count + this.k) / (total + this.k * this.vocabSize);
    }
    return 1 / this.vocabSize;
  }
}

function contextKey(tokens: ArrayLike<number>, from: number, to: number): string {
  let key = '';
  for (let i = from; i < to; i++) key += `${tokens[i]},`;
  return key;
}
