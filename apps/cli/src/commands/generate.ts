import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import {
  DatasetError,
  TOKENIZER_FILE,
  type Tokenizer,
  tokenizerFromJson,
} from '@residual/datasets';
// Importing the registry registers the custom layers a saved language model is made of.
import '@residual/models';
import { generateText, loadModel } from '@residual/train';
import { BACKEND_OPTION, defineCommand } from '../command.js';
import { integer, number, text } from '../options.js';
import { UsageError } from '../usage-error.js';

export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'Continue a prompt with a trained language model, streaming the text.',
  description:
    'Loads a language model trained by `residual train` (model.json, weights.bin and ' +
    'tokenizer.json) from --model-dir and continues --prompt by --tokens tokens, each sampled ' +
    'from the softmax of the logits divided by --temperature among the --top-k most likely, ' +
    'printing the text as it is generated. The same --seed, model and backend give the same text.',
  options: [
    text('model-dir', {
      placeholder: 'dir',
      description: 'Directory of the trained language model (required).',
      required: true,
    }),
    text('prompt', {
      placeholder: 'text',
      description: "Text to continue; every character must be in the model's vocabulary.",
      default: '\n',
    }),
    integer('tokens', {
      placeholder: 'n',
      description: 'Tokens to generate.',
      default: 300,
      min: 1,
    }),
    number('temperature', {
      placeholder: 't',
      description: 'Divides the logits: below 1 more predictable, above 1 more varied.',
      default: 0.8,
      above: 0,
    }),
    integer('top-k', {
      placeholder: 'k',
      description: 'Sample among the k most likely tokens only (default: the whole vocabulary).',
      min: 1,
    }),
    integer('seed', {
      placeholder: 'n',
      description: 'Seeds the sampling.',
      default: 0,
    }),
    BACKEND_OPTION,
  ],
  examples: [
    'residual generate --model-dir runs/moby --prompt "Call me" --tokens 300',
    'residual generate --model-dir runs/moby --prompt "The whale" --temperature 0.8 --top-k 40 --seed 1',
  ],
  async run(values, terminal) {
    const { 'model-dir': modelDir, tokens, temperature, 'top-k': topK, prompt, seed } = values;
    const tokenizer = await readTokenizer(modelDir);
    try {
      tokenizer.encode(prompt);
    } catch (error) {
      if (error instanceof DatasetError)
        throw new UsageError(`generate --prompt: ${error.message}`);
      throw error;
    }
    if (prompt === '') throw new UsageError('generate --prompt: give at least one character.');
    await initBackend({ backend: values.backend });
    const model = await loadModel(modelDir);
    if (topK !== undefined && topK > tokenizer.vocabSize) {
      throw new UsageError(
        `generate --top-k: the vocabulary has ${tokenizer.vocabSize} tokens, got k = ${topK}.`,
      );
    }
    terminal.out(prompt);
    for await (const piece of generateText(model, tokenizer, {
      prompt,
      tokens,
      temperature,
      topK,
      seed,
    })) {
      terminal.out(piece);
    }
    terminal.out('\n');
    return 0;
  },
});

/** The tokenizer saved beside a language model. @throws UsageError when there is none. */
export async function readTokenizer(modelDir: string): Promise<Tokenizer> {
  const path = join(modelDir, TOKENIZER_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(
      `${path}: not found; --model-dir must hold a language model trained by residual train.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message}).`);
  }
  return tokenizerFromJson(json, path);
}
