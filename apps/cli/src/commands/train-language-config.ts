import { join } from 'node:path';
import { DEFAULT_TEXT_DATASET } from '@residual/datasets';
import { nanoGptRecipe } from '@residual/train';
import { UsageError } from '../usage-error.js';
import { resumedRunConfig } from './train-config.js';
import type { TrainValues } from './train-options.js';

/** The options that define a language-model run: stored in run.json, repeated on resume. */
const LANGUAGE_RUN_OPTIONS = [
  'model',
  'dataset',
  'tokenizer',
  'steps',
  'batch-size',
  'lr',
  'seed',
  'context',
  'layers',
  'heads',
  'width',
  'eval-every',
] as const;

/** A language-model run's configuration, as run.json stores it. */
export type LanguageRunConfig = Pick<TrainValues, (typeof LANGUAGE_RUN_OPTIONS)[number]> & {
  task: 'language';
};

/** Image options that mean nothing to a language model: refused rather than ignored. */
const IMAGE_ONLY_OPTIONS = [
  'epochs',
  'limit',
  'test-limit',
  'image-size',
  'channels',
  'print-every',
  'loss',
  'aux-weight',
  'optimizer',
  'zero-init-residual',
  'train-images',
] as const;

/** Why an image option is refused, where the general reason would mislead. */
const REFUSED_BECAUSE: Partial<Record<(typeof IMAGE_ONLY_OPTIONS)[number], string>> = {
  optimizer: "it always trains with AdamW, by nanoGPT's recipe",
};

/** Options only a language model takes: refused for an image model. */
export const LANGUAGE_ONLY_OPTIONS = [
  'steps',
  'tokenizer',
  'context',
  'layers',
  'heads',
  'width',
  'eval-every',
] as const;

/**
 * A language-model run's configuration and directory, from the options or, with --resume,
 * from the run's run.json.
 * @throws UsageError naming the option that cannot work.
 */
export async function languageRunConfig(
  values: TrainValues,
): Promise<{ config: LanguageRunConfig; out: string }> {
  for (const name of IMAGE_ONLY_OPTIONS) {
    // A flag not given is false, not undefined.
    if (values[name] !== undefined && values[name] !== false) {
      throw new UsageError(
        `train --${name}: not an option for a language model (${REFUSED_BECAUSE[name] ?? 'it trains for --steps on random windows'}).`,
      );
    }
  }
  if (values.recipe !== 'quick') {
    throw new UsageError(
      `train --recipe: language models train by nanoGPT's recipe (AdamW, warm-up + cosine); drop --recipe ${values.recipe}.`,
    );
  }
  const resumed = await resumedRunConfig(values, LANGUAGE_RUN_OPTIONS);
  if (resumed !== undefined) {
    return { config: { ...resumed.config, task: 'language' }, out: resumed.out };
  }
  const { width, heads } = values;
  if (width !== undefined && heads !== undefined && width % heads !== 0) {
    throw new UsageError(
      `train --width: ${width} does not divide by --heads ${heads}; each head takes width / heads channels.`,
    );
  }
  const recipe = nanoGptRecipe({
    steps: values.steps,
    batchSize: values['batch-size'],
    learningRate: values.lr,
    evalEvery: values['eval-every'],
  });
  const config: LanguageRunConfig = {
    task: 'language',
    model: values.model,
    dataset: values.dataset ?? DEFAULT_TEXT_DATASET,
    tokenizer: values.tokenizer ?? 'char',
    steps: recipe.steps,
    'batch-size': recipe.batchSize,
    lr: recipe.learningRate,
    seed: values.seed,
    context: values.context,
    layers: values.layers,
    heads,
    width,
    'eval-every': recipe.evalEvery,
  };
  const out = values.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
  return { config, out };
}

/** The recipe a run's configuration says. */
export function languageRecipe(config: LanguageRunConfig) {
  return nanoGptRecipe({
    steps: config.steps,
    batchSize: config['batch-size'],
    learningRate: config.lr,
    evalEvery: config['eval-every'],
  });
}
