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
import { BACKEND_OPTION, type Command } from '../command.js';
import { UsageError } from '../usage-error.js';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Continue a prompt with a trained language model, streaming the text.',
  description:
    'Loads a language model trained by `residual train` (model.json, weights.bin and ' +
    'tokenizer.json) from --model-dir and continues --prompt by --tokens tokens, each sampled ' +
    'from the softmax of the logits divided by --temperature among the --top-k most likely, ' +
    'printing the text as it is generated. The same --seed, model and backend give the same text.',
  options: [
    {
      name: 'model-dir',
      type: 'string',
      placeholder: 'dir',
      description: 'Directory of the trained language model (required).',
    },
    {
      name: 'prompt',
      type: 'string',
      placeholder: 'text',
      description: "Text to continue; every character must be in the model's vocabulary.",
      default: '\n',
    },
    {
      name: 'tokens',
      type: 'integer',
      placeholder: 'n',
      description: 'Tokens to generate.',
      default: 300,
    },
    {
      name: 'temperature',
      type: 'number',
      placeholder: 't',
      description: 'Divides the logits: below 1 more predictable, above 1 more varied.',
      default: 0.8,
    },
    {
      name: 'top-k',
      type: 'integer',
      placeholder: 'k',
      description: 'Sample among the k most likely tokens only (default: the whole vocabulary).',
    },
    {
      name: 'seed',
      type: 'integer',
      placeholder: 'n',
      description: 'Seeds the sampling.',
      default: 0,
    },
    BACKEND_OPTION,
  ],
  examples: [
    'residual generate --model-dir runs/moby --prompt "Call me" --tokens 300',
    'residual generate --model-dir runs/moby --prompt "The whale" --temperature 0.8 --top-k 40 --seed 1',
  ],
  async run(values, terminal) {
    const modelDir = values['model-dir'] as string | undefined;
    if (modelDir === undefined) {
      throw new UsageError("generate: --model-dir is required. See 'residual generate --help'.");
    }
    const tokens = values.tokens as number;
    if (tokens < 1) throw new UsageError(`generate --tokens: must be at least 1, got ${tokens}.`);
    const temperature = values.temperature as number;
    if (!(temperature > 0)) {
      throw new UsageError(`generate --temperature: must be positive, got ${temperature}.`);
    }
    const topK = values['top-k'] as number | undefined;
    if (topK !== undefined && topK < 1) {
      throw new UsageError(`generate --top-k: must be at least 1, got ${topK}.`);
    }
    const prompt = values.prompt as string;
    const tokenizer = await readTokenizer(modelDir);
    try {
      tokenizer.encode(prompt);
    } catch (error) {
      if (error instanceof DatasetError)
        throw new UsageError(`generate --prompt: ${error.message}`);
      throw error;
    }
    if (prompt === '') throw new UsageError('generate --prompt: give at least one character.');
    await initBackend({ backend: values.backend as string | undefined });
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
      seed: values.seed as number,
    })) {
      terminal.out(piece);
    }
    terminal.out('\n');
    return 0;
  },
};

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
