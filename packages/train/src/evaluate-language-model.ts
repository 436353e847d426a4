import { windowBatch } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { nextTokenCorrect, nextTokenLoss } from './next-token-loss.js';

export interface LanguageEvaluation {
  /** Mean next-token cross-entropy in nats per token. */
  loss: number;
  /** loss / ln 2: bits per character for a character tokenizer, per byte for a byte one. */
  bitsPerToken: number;
  /** exp(loss). */
  perplexity: number;
  /** Share of positions whose most likely next token is the right one. */
  accuracy: number;
  /** Tokens predicted. */
  tokens: number;
}

export interface EvaluateLanguageOptions {
  /** The model's context length. */
  context: number;
  /**
   * Evaluate on this many windows spread evenly over the text (quick estimates during
   * training); default every non-overlapping window, so each token is predicted once.
   */
  windows?: number;
  /** Windows per forward pass. Default 32. */
  batchSize?: number;
}

/**
 * The starts of the evaluation windows of a `tokenCount`-token text: consecutive,
 * non-overlapping windows covering it, or `windows` of them spread evenly from its start to
 * its end. Fixed, so every evaluation of a run sees the same text.
 */
export function evaluationWindows(tokenCount: number, context: number, windows?: number): number[] {
  const last = tokenCount - context - 1;
  if (last < 0) {
    throw new RangeError(
      `evaluation needs at least ${context + 1} tokens for a context of ${context}, got ${tokenCount}.`,
    );
  }
  const all = Math.floor(last / context) + 1;
  if (windows === undefined || windows >= all) {
    return Array.from({ length: all }, (_, i) => i * context);
  }
  if (windows === 1) return [0];
  return Array.from({ length: windows }, (_, i) => Math.round((i * last) / (windows - 1)));
}

/**
 * Runs `model` (int32 tokens [batch, context] → logits [batch, context, vocab]) in inference
 * mode over `tokens` and returns the next-token loss, bits per token, perplexity and accuracy.
 * Leaves no tensors behind.
 */
export function evaluateLanguageModel(
  model: tf.LayersModel,
  tokens: Int32Array,
  options: EvaluateLanguageOptions,
): LanguageEvaluation {
  const { context } = options;
  const batchSize = options.batchSize ?? 32;
  const starts = evaluationWindows(tokens.length, context, options.windows);
  let lossSum = 0;
  let correct = 0;
  for (let first = 0; first < starts.length; first += batchSize) {
    const batch = windowBatch(tokens, starts.slice(first, first + batchSize), context);
    const summary = tf.tidy(() => {
      const logits = model.predict(batch.inputs) as tf.Tensor;
      return tf.stack([
        nextTokenLoss(logits, batch.targets, 'sum'),
        nextTokenCorrect(logits, batch.targets),
      ]);
    });
    const [loss, right] = summary.dataSync();
    lossSum += loss;
    correct += right;
    tf.dispose([summary, batch.inputs, batch.targets]);
  }
  const count = starts.length * context;
  const loss = lossSum / count;
  return {
    loss,
    bitsPerToken: loss / Math.LN2,
    perplexity: Math.exp(loss),
    accuracy: correct / count,
    tokens: count,
  };
}
