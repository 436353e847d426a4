import { Rng } from '@residual/backend';
import type { Tokenizer } from '@residual/datasets';
import * as tf from '@tensorflow/tfjs';
import { languageModelContext } from './language-model-context.js';
import { TrainOptionsError } from './train-options-error.js';

export interface GenerateTextOptions {
  /** The text to continue; at least one token. */
  prompt: string;
  /** Tokens to generate. */
  tokens: number;
  /** Logits are divided by it: below 1 sharper, above 1 flatter. Default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens only (ties: the lower id first). Default: all. */
  topK?: number;
  /** Seeds the sampling: the same seed, model and backend give the same text. Default 0. */
  seed?: number;
}

/**
 * Continues `prompt` with `tokens` sampled tokens, one at a time, yielding the text of each as
 * soon as it is known (a byte tokenizer yields a character once its bytes are complete). The
 * model sees the last `context` tokens; a model with a fixed input length gets a shorter input
 * padded on the right, which a causal model never looks at. Sampling runs in float64 on the logits with a seeded generator, so it
 * is deterministic.
 *
 * @throws TrainOptionsError for a bad option, DatasetError for a prompt with characters
 *   outside the tokenizer's vocabulary.
 */
export async function* generateText(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  options: GenerateTextOptions,
): AsyncGenerator<string> {
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? tokenizer.vocabSize;
  if (!Number.isInteger(options.tokens) || options.tokens < 1) {
    throw new TrainOptionsError(`tokens must be a positive integer, got ${options.tokens}.`);
  }
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new TrainOptionsError(`temperature must be a positive number, got ${temperature}.`);
  }
  if (!Number.isInteger(topK) || topK < 1) {
    throw new TrainOptionsError(`topK must be a positive integer, got ${topK}.`);
  }
  const prompt = Array.from(tokenizer.encode(options.prompt));
  if (prompt.length === 0) throw new TrainOptionsError('the prompt must hold at least one token.');
  const context = languageModelContext(model);
  if (context === undefined) {
    throw new TrainOptionsError(
      'the model has no context length (a fixed input length, or a layer with contextLength).',
    );
  }
  // A model that takes any length up to its context gets just the tokens.
  const fixedLength = typeof model.inputs[0].shape[1] === 'number';
  const rng = new Rng(options.seed ?? 0);
  const decoder = tokenizer.streamDecoder();
  const sequence = [...prompt];
  for (let n = 0; n < options.tokens; n++) {
    const window = sequence.slice(-context);
    const input = new Int32Array(fixedLength ? context : window.length);
    input.set(window);
    const logits = tf.tidy(() => {
      const output = model.predict(tf.tensor2d(input, [1, input.length], 'int32')) as tf.Tensor;
      return tf.squeeze(tf.slice(output, [0, window.length - 1, 0], [1, 1, -1]));
    });
    const values = await logits.data();
    logits.dispose();
    const token = sampleToken(values, temperature, topK, rng);
    sequence.push(token);
    const text = decoder.push(token);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** One token from `logits` / temperature, among the top k, drawn with `rng`. */
export function sampleToken(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number,
  rng: Rng,
): number {
  const order = Array.from({ length: logits.length }, (_, i) => i).sort(
    (a, b) => logits[b] - logits[a] || a - b,
  );
  const kept = order.slice(0, Math.min(topK, order.length));
  const top = logits[kept[0]] / temperature;
  const weights = kept.map((id) => Math.exp(logits[id] / temperature - top));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let draw = rng.nextFloat() * total;
  for (let i = 0; i < kept.length; i++) {
    draw -= weights[i];
    if (draw < 0) return kept[i];
  }
  return kept[kept.length - 1];
}
