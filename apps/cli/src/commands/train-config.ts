import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { listModels } from '@residual/models';
import {
  inspectRunDirectory,
  MODEL_FILE,
  type RunConfig,
  RunDirectoryError,
  readRunConfig,
  recipeByName,
} from '@residual/train';
import type { OptionSpec, OptionValues } from '../command.js';
import { UsageError } from '../usage-error.js';

/** The options that define a run: stored in run.json, and a resumed run must agree on them. */
const RUN_OPTIONS = [
  'model',
  'dataset',
  'weights',
  'image-size',
  'freeze',
  'recipe',
  'epochs',
  'batch-size',
  'lr',
  'seed',
  'limit',
  'test-limit',
];

/**
 * The run's configuration and directory: from the options, or with --resume from the run's
 * run.json (options that define a run may then only repeat what it was started with).
 */
export async function runConfig(
  values: OptionValues,
  specs: readonly OptionSpec[],
): Promise<{ config: RunConfig; out: string }> {
  for (const name of [
    'epochs',
    'batch-size',
    'limit',
    'test-limit',
    'image-size',
    'checkpoint-every',
    'keep-checkpoints',
  ]) {
    const value = values[name] as number | undefined;
    if (value !== undefined && value < 1)
      throw new UsageError(`train --${name}: must be at least 1, got ${value}.`);
  }
  if (values.lr !== undefined && !((values.lr as number) > 0))
    throw new UsageError(`train --lr: must be positive, got ${values.lr}.`);

  const resumed = await resumedRunConfig(values, specs, RUN_OPTIONS);
  if (resumed !== undefined) return resumed;

  const model = values.model as string;
  const known = listModels().map((m) => m.name);
  if (!known.includes(model)) {
    throw new UsageError(`train --model: unknown model "${model}". Known: ${known.join(', ')}.`);
  }
  // Stored resolved, so the same command always names the same configuration.
  const recipe = recipeByName(values.recipe as string, {
    epochs: values.epochs as number | undefined,
    batchSize: values['batch-size'] as number | undefined,
    learningRate: values.lr as number | undefined,
  });
  const config: RunConfig = {
    model,
    dataset: (values.dataset as string | undefined) ?? 'digits',
    weights: values.weights as string | undefined,
    'image-size': values['image-size'] as number | undefined,
    freeze: values.freeze as string | undefined,
    recipe: recipe.name,
    epochs: recipe.epochs,
    'batch-size': recipe.batchSize,
    lr: recipe.learningRate,
    seed: values.seed as number,
    limit: values.limit as number | undefined,
    'test-limit': values['test-limit'] as number | undefined,
  };
  const out =
    (values.out as string | undefined) ??
    join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
  return { config, out };
}

/**
 * With --resume, the run's saved configuration and directory: the options in `runOptions` may
 * only repeat what the run was started with. Undefined without --resume.
 * @throws UsageError naming the option that disagrees, or the directory that cannot be read.
 */
export async function resumedRunConfig(
  values: OptionValues,
  specs: readonly OptionSpec[],
  runOptions: readonly string[],
): Promise<{ config: RunConfig; out: string } | undefined> {
  const resume = values.resume as string | undefined;
  if (resume === undefined) return undefined;
  if (values.out !== undefined && values.out !== resume) {
    throw new UsageError(`train --resume: the run continues in ${resume}; drop --out.`);
  }
  const saved = await readRunConfig(resume).catch(asUsageError('resume'));
  for (const name of runOptions) {
    // parseOptions fills in defaults, so an option at its default counts as not given.
    const given = values[name];
    if (given === undefined || given === saved[name] || isDefault(specs, name, given)) continue;
    throw new UsageError(
      `train --resume: ${resume} was started with ${describeOption(name, saved[name])}; drop --${name} ${given}.`,
    );
  }
  return { config: saved, out: resume };
}

/**
 * Refuses to start in `out` (given as --`option`) when it holds a finished run, or a run of
 * another configuration.
 * Checked before the data is loaded, created after: a failed start leaves nothing behind.
 */
export async function checkRunStart(
  option: 'out' | 'resume',
  out: string,
  config: RunConfig,
): Promise<void> {
  if (await exists(join(out, MODEL_FILE))) {
    throw new UsageError(
      option === 'out'
        ? `train --out: ${out} already holds a trained model; choose another directory.`
        : `train --resume: ${out} is a finished run (it holds ${MODEL_FILE}); nothing to continue.`,
    );
  }
  await inspectRunDirectory(out, config).catch(asUsageError(option));
}

/** Reports a run directory that cannot be used as a user error about `--option`. */
export function asUsageError(option: string) {
  return (error: unknown): never => {
    if (error instanceof RunDirectoryError) {
      throw new UsageError(`train --${option}: ${error.message}`);
    }
    throw error;
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function isDefault(specs: readonly OptionSpec[], name: string, value: unknown): boolean {
  return specs.find((option) => option.name === name)?.default === value;
}

function describeOption(name: string, value: unknown): string {
  return value === undefined ? `no --${name}` : `--${name} ${value}`;
}
