import { DatasetError } from './dataset-error.js';
import type { TextDatasetInfo } from './text-catalog.js';
import { type LoadTextOptions, loadTextCorpus, type TextCorpus } from './text-corpus.js';
import { createTokenizer, type Tokenizer } from './tokenizer.js';

/** A tokenized corpus, split for training a language model. */
export interface TextDataset {
  name: string;
  /** The file, folder or package the text came from: what error messages name. */
  source: string;
  tokenizer: Tokenizer;
  /** Token ids of the training text. */
  train: Int32Array;
  /** Token ids of the held-out text: the corpus's last `validationFraction`. */
  validation: Int32Array;
}

export interface TextDatasetOptions {
  /** 'char' (default): the corpus's characters; 'byte': UTF-8 bytes; or a saved tokenizer. */
  tokenizer?: 'char' | 'byte' | Tokenizer;
  /** Share of the corpus held out, taken from its end. Default 0.1, as nanoGPT. */
  validationFraction?: number;
  /**
   * The model's context: each split must hold at least `context + 1` tokens (one window and
   * its next-token targets). Checked when given.
   */
  context?: number;
}

/**
 * Loads a corpus (see {@link loadTextCorpus}), tokenizes it and splits it: the first 90% to
 * train on, the last 10% held out, as nanoGPT's `prepare.py` does. The split is contiguous and
 * fixed (no seed needed), so held-out text never leaks into training windows.
 * @throws DatasetError naming the file for an unusable text, or one too short for the context.
 */
export async function loadTextDataset(
  source: string | TextDatasetInfo,
  options: TextDatasetOptions & LoadTextOptions = {},
): Promise<TextDataset> {
  return textDataset(await loadTextCorpus(source, options), options);
}

/** Tokenizes and splits a corpus already in memory (see {@link loadTextDataset}). */
export function textDataset(corpus: TextCorpus, options: TextDatasetOptions = {}): TextDataset {
  const fraction = options.validationFraction ?? 0.1;
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`validationFraction must be in (0, 1), got ${fraction}.`);
  }
  const tokenizer =
    typeof options.tokenizer === 'object'
      ? options.tokenizer
      : createTokenizer(options.tokenizer ?? 'char', corpus.text);
  let tokens: Int32Array;
  try {
    tokens = tokenizer.encode(corpus.text);
  } catch (error) {
    if (error instanceof DatasetError) throw new DatasetError(`${corpus.source}: ${error.message}`);
    throw error;
  }
  const cut = tokens.length - Math.round(tokens.length * fraction);
  const dataset = {
    name: corpus.name,
    source: corpus.source,
    tokenizer,
    train: tokens.subarray(0, cut),
    validation: tokens.subarray(cut),
  };
  if (options.context !== undefined) checkTextLength(dataset, options.context);
  return dataset;
}

/**
 * Checks that both splits hold a window of `context` tokens and its targets.
 * @throws DatasetError naming the source, the lengths and the context.
 */
export function checkTextLength(
  dataset: Pick<TextDataset, 'source' | 'train' | 'validation' | 'tokenizer'>,
  context: number,
): void {
  const shortest = Math.min(dataset.train.length, dataset.validation.length);
  if (shortest >= context + 1) return;
  const which = dataset.train.length <= dataset.validation.length ? 'training' : 'validation';
  throw new DatasetError(
    `${dataset.source}: too short for a context of ${context}: its ${which} part has ${shortest} ${dataset.tokenizer.unit}s, and each split needs at least ${context + 1} (${dataset.train.length + dataset.validation.length} in all, 10% held out).`,
  );
}
