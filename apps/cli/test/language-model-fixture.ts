import { registerModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';

/**
 * A tiny language model in the registry with the GPT models' contract (int32 tokens
 * [batch, context] → logits [batch, context, vocab]) and options, so the command line's
 * language path is tested in seconds: an embedding, then a dense layer at every position.
 */
export const TEST_LANGUAGE_MODEL = 'test_char_bigram';

let registered = false;

export function registerTestLanguageModel(): void {
  if (registered) return;
  registered = true;
  registerModel({
    name: TEST_LANGUAGE_MODEL,
    family: 'test_bigram',
    description: 'Embedding and a per-position dense layer (tests only).',
    defaultInputShape: [1, 1, 1],
    defaultNumClasses: 0,
    trainableParams: 0,
    totalParams: 0,
    macs: 0,
    reference: { title: 'tests', url: 'https://example.invalid' },
    options: ['vocabSize', 'contextLength', 'width', 'heads', 'layers'],
    build(options: { vocabSize?: number; contextLength?: number; width?: number; seed?: number }) {
      const seed = options.seed ?? 0;
      const vocabSize = options.vocabSize ?? 65;
      return tf.sequential({
        name: TEST_LANGUAGE_MODEL,
        layers: [
          tf.layers.embedding({
            inputDim: vocabSize,
            outputDim: options.width ?? 16,
            inputLength: options.contextLength ?? 16,
            name: 'token_embedding',
            embeddingsInitializer: tf.initializers.randomNormal({ stddev: 0.02, seed }),
          }),
          tf.layers.dense({
            units: vocabSize,
            name: 'logits',
            kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
          }),
        ],
      });
    },
  });
}
