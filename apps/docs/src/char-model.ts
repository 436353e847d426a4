import { CharTokenizer, textDataset } from '@residual/datasets';
import { createModel } from '@residual/models';
import {
  generateText,
  type LanguageRecord,
  nanoGptRecipe,
  trainLanguageModel,
} from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import { bitsPerCharacter } from './char-demo-defaults.js';

export interface CharModelOptions {
  /** The text to learn: 90% trains, the last 10% is held out (as nanoGPT's prepare.py). */
  text: string;
  steps: number;
  batchSize: number;
  context: number;
  layers: number;
  heads: number;
  width: number;
  learningRate: number;
  warmupSteps: number;
  sampleEvery: number;
  sampleLength: number;
  temperature: number;
  /** Where each sample starts; characters the text lacks are dropped. */
  prompt: string;
  seed: number;
  signal?: AbortSignal;
  /** After every step: its training loss, in nats and in bits per character. */
  onStep?(event: { step: number; loss: number; bits: number }): void;
  /** After each held-out measurement (every `sampleEvery` steps and at the end). */
  onEvaluation?(event: { step: number; loss: number; bits: number }): void;
  /** As a sample is written, with the text so far (called once per generated piece). */
  onSample?(event: { step: number; text: string; done: boolean }): void;
}

export interface CharModelResult {
  /** Training loss of every step, nats per character. */
  losses: number[];
  /** Held-out measurements: step and bits per character. */
  evaluations: { step: number; bits: number }[];
  /** Every sample, by the step it was written after. */
  samples: { step: number; text: string }[];
  parameters: number;
  vocabSize: number;
  aborted: boolean;
}

/** `prompt` without the characters `tokenizer` does not know; the text's first one if none is left. */
export function usablePrompt(prompt: string, tokenizer: CharTokenizer): string {
  const known = new Set(tokenizer.vocabulary);
  const kept = Array.from(prompt)
    .filter((character) => known.has(character))
    .join('');
  return kept === '' ? tokenizer.vocabulary[0] : kept;
}

/**
 * Trains a character GPT (gpt_char_micro's architecture at the given sizes) on `text` with
 * nanoGPT's recipe, measuring the held-out bits per character and writing a sample every
 * `sampleEvery` steps and at the end. Stops after the current step when `signal` aborts.
 */
export async function trainCharModel(options: CharModelOptions): Promise<CharModelResult> {
  const tokenizer = CharTokenizer.fromText(options.text);
  const data = textDataset(
    { name: 'demo', source: 'the demo text', text: options.text },
    { tokenizer, context: options.context },
  );
  const model = createModel('gpt_char_micro', {
    vocabSize: tokenizer.vocabSize,
    contextLength: options.context,
    layers: options.layers,
    heads: options.heads,
    width: options.width,
    seed: options.seed,
  }) as tf.LayersModel;
  const prompt = usablePrompt(options.prompt, tokenizer);
  const result: CharModelResult = {
    losses: [],
    evaluations: [],
    samples: [],
    parameters: model.countParams(),
    vocabSize: tokenizer.vocabSize,
    aborted: false,
  };
  const writeSample = async (step: number) => {
    let text = prompt;
    options.onSample?.({ step, text, done: false });
    for await (const piece of generateText(model, tokenizer, {
      prompt,
      tokens: options.sampleLength,
      temperature: options.temperature,
      seed: options.seed + step,
    })) {
      text += piece;
      options.onSample?.({ step, text, done: false });
      if (options.signal?.aborted) break;
    }
    options.onSample?.({ step, text, done: true });
    result.samples.push({ step, text });
  };
  try {
    const run = await trainLanguageModel({
      model,
      data: { ...data, vocabSize: tokenizer.vocabSize },
      seed: options.seed,
      signal: options.signal,
      recipe: nanoGptRecipe({
        steps: options.steps,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        warmupSteps: options.warmupSteps,
        evalEvery: options.sampleEvery,
        // Enough windows for a steady number, few enough to keep the page responsive.
        evalWindows: 24,
      }),
      callbacks: {
        onStepEnd: async ({ step, loss }) => {
          result.losses.push(loss);
          options.onStep?.({ step, loss, bits: bitsPerCharacter(loss) });
          // Let the page draw between steps (WASM and cpu run on the page's own thread).
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
        onEvaluation: async (record: LanguageRecord) => {
          if (record.validationLoss !== undefined) {
            const bits = bitsPerCharacter(record.validationLoss);
            result.evaluations.push({ step: record.step, bits });
            options.onEvaluation?.({ step: record.step, loss: record.validationLoss, bits });
          }
          await writeSample(record.step);
        },
      },
    });
    result.aborted = run.aborted;
    return result;
  } finally {
    model.dispose();
  }
}

let excerpt: Promise<string> | undefined;

/** The bundled Moby-Dick excerpt the docs build writes (scripts/static-assets.ts), fetched once. */
export function loadExcerpt(url: string): Promise<string> {
  excerpt ??= fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    })
    .catch((error: unknown) => {
      excerpt = undefined; // let a later click retry
      throw error;
    });
  return excerpt;
}
