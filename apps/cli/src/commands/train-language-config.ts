import { join } from 'node:path';
import { DEFAULT_TEXT_DATASET } from '@residual/datasets';
import { nanoGptRecipe, type RunConfig } from '@residual/train';
import type { OptionSpec, OptionValues } from '../command.js';
import { UsageError } from '../usage-error.js';
import { resumedRunConfig } from './train-config.js';

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
];

/** Image options that mean nothing to a language model: refused rather than ignored. */
const IMAGE_ONLY_OPTIONS = ['epochs', 'limit', 'test-limit'];

/** Options only a language model takes: refused for an image model. */
export const LANGUAGE_ONLY_OPTIONS = [
  'steps',
  'tokenizer',
  'context',
  'layers',
  'heads',
  'width',
  'eval-every',
];

/**
 * A language-model run's configuration and directory, from the options or, with --resume,
 * from the run's run.json.
 * @throws UsageError naming the option that cannot work.
 */
export async function languageRunConfig(
  values: OptionValues,
  specs: readonly OptionSpec[],
): Promise<{ config: RunConfig; out: string }> {
  for (const name of IMAGE_ONLY_OPTIONS) {
    if (values[name] !== undefined) {
      throw new UsageError(
        `train --${name}: not an option for a language model (it trains for --steps on random windows).`,
      );
    }
  }
  if (values.recipe !== undefined && values.recipe !== 'quick') {
    throw new UsageError(
      `train --recipe: language models train by nanoGPT's recipe (AdamW, warm-up + cosine); drop --recipe ${values.recipe}.`,
    );
  }
  for (const name of ['steps', 'batch-size', 'context', 'layers', 'heads', 'width', 'eval-every']) {
    const value = values[name] as number | undefined;
    if (value !== undefined && value < 1) {
      throw new UsageError(`train --${name}: must be at least 1, got ${value}.`);
    }
  }
  if (values.lr !== undefined && !((values.lr as number) > 0)) {
    throw new UsageError(`train --lr: must be positive, got ${values.lr}.`);
  }
  const resumed = await resumedRunConfig(values, specs, LANGUAGE_RUN_OPTIONS);
  if (resumed !== undefined) return resumed;
  const width = values.width as number | undefined;
  const heads = values.heads as number | undefined;
  if (width !== undefined && heads !== undefined && width % heads !== 0) {
    throw new UsageError(
      `train --width: ${width} does not divide by --heads ${heads}; each head takes width / heads channels.`,
    );
  }
  const recipe = nanoGptRecipe({
    steps: values.steps as number | undefined,
    batchSize: values['batch-size'] as number | undefined,
    learningRate: values.lr as number | undefined,
    evalEvery: values['eval-every'] as number | undefined,
  });
  const config: RunConfig = {
    task: 'language',
    model: values.model as string,
    dataset: (values.dataset as string | undefined) ?? DEFAULT_TEXT_DATASET,
    tokenizer: (values.tokenizer as string | undefined) ?? 'char',
    steps: recipe.steps,
    'batch-size': recipe.batchSize,
    lr: recipe.learningRate,
    seed: values.seed as number,
    context: values.context as number | undefined,
    layers: values.layers as number | undefined,
    heads,
    width,
    'eval-every': recipe.evalEvery,
  };
  const out =
    (values.out as string | undefined) ??
    join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
  return { config, out };
}

/** The recipe a run's configuration says. */
export function languageRecipe(config: RunConfig) {
  return nanoGptRecipe({
    steps: config.steps as number,
    batchSize: config['batch-size'] as number,
    learningRate: config.lr as number,
    evalEvery: config['eval-every'] as number,
  });
}
