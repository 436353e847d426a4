import { Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { mixSeed } from './batches.js';

export interface TextWindowOptions {
  batchSize: number;
  /** Tokens per window: the model's context length. */
  context: number;
  seed: number;
  /** The optimizer step (or evaluation batch) this batch is for: each has its own windows. */
  step: number;
}

/** A batch of windows: int32 inputs [batch, context] and the next tokens as targets. */
export interface TextBatch {
  inputs: tf.Tensor2D;
  targets: tf.Tensor2D;
}

/**
 * Where each window of a batch starts: `batchSize` random offsets in the token stream, drawn
 * from (seed, step) alone, so any step's batch can be drawn again (exact resume) and the data
 * order does not depend on what ran before (nanoGPT's `get_batch`, made reproducible).
 */
export function windowStarts(tokenCount: number, options: TextWindowOptions): Int32Array {
  const { batchSize, context } = options;
  const positions = tokenCount - context;
  if (!Number.isInteger(context) || context < 1 || positions < 1) {
    throw new RangeError(
      `a window of ${context} tokens and its targets needs at least ${context + 1} tokens, got ${tokenCount}.`,
    );
  }
  const rng = new Rng(mixSeed(options.seed, 0, options.step));
  return Int32Array.from({ length: batchSize }, () => rng.nextInt(positions));
}

/** The batch of step `options.step`: windows of `tokens` and the tokens that follow them. */
export function textBatch(tokens: Int32Array, options: TextWindowOptions): TextBatch {
  return windowBatch(tokens, windowStarts(tokens.length, options), options.context);
}

/** The windows of `tokens` starting at `starts`, with their next-token targets. */
export function windowBatch(
  tokens: Int32Array,
  starts: ArrayLike<number>,
  context: number,
): TextBatch {
  const inputs = new Int32Array(starts.length * context);
  const targets = new Int32Array(starts.length * context);
  for (let row = 0; row < starts.length; row++) {
    const start = starts[row];
    inputs.set(tokens.subarray(start, start + context), row * context);
    targets.set(tokens.subarray(start + 1, start + 1 + context), row * context);
  }
  return {
    inputs: tf.tensor2d(inputs, [starts.length, context], 'int32'),
    targets: tf.tensor2d(targets, [starts.length, context], 'int32'),
  };
}
