import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  inspectRunDirectory,
  MODEL_FILE,
  RUN_FILE,
  type RunConfig,
  RunDirectoryError,
  readRunConfig,
  recipeByName,
} from '@residual/train';
import { UsageError } from '../usage-error.js';
import { TRAIN_OPTIONS, type TrainOption, type TrainValues } from './train-options.js';

/** The options that define a run: stored in run.json, and a resumed run must agree on them. */
const RUN_OPTIONS = [
  'model',
  'dataset',
  'weights',
  'image-size',
  'channels',
  'freeze',
  'zero-init-residual',
  'recipe',
  'epochs',
  'batch-size',
  'lr',
  'seed',
  'limit',
  'test-limit',
] as const;

/** An image run's configuration, as run.json stores it: each option read as the command line reads it. */
export type ImageRunConfig = Pick<TrainValues, (typeof RUN_OPTIONS)[number]>;

/**
 * The run's configuration and directory: from the options, or with --resume from the run's
 * run.json (options that define a run may then only repeat what it was started with).
 */
export async function runConfig(
  values: TrainValues,
): Promise<{ config: ImageRunConfig; out: string }> {
  const resumed = await resumedRunConfig(values, RUN_OPTIONS);
  if (resumed !== undefined) return resumed;

  // Stored resolved, so the same command always names the same configuration.
  const recipe = recipeByName(values.recipe, {
    epochs: values.epochs,
    batchSize: values['batch-size'],
    learningRate: values.lr,
  });
  const config: ImageRunConfig = {
    model: values.model,
    dataset: values.dataset ?? 'digits',
    weights: values.weights,
    'image-size': values['image-size'],
    channels: values.channels,
    freeze: values.freeze,
    'zero-init-residual': values['zero-init-residual'],
    recipe: values.recipe,
    epochs: recipe.epochs,
    'batch-size': recipe.batchSize,
    lr: recipe.learningRate,
    seed: values.seed,
    limit: values.limit,
    'test-limit': values['test-limit'],
  };
  return {
    config,
    out: values.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-')),
  };
}

/**
 * With --resume, the run's saved configuration and directory: the options in `runOptions` may
 * only repeat what the run was started with. Undefined without --resume.
 * @throws UsageError naming the option that disagrees, or the directory that cannot be read.
 */
export async function resumedRunConfig<Name extends TrainOption>(
  values: TrainValues,
  runOptions: readonly Name[],
): Promise<{ config: Pick<TrainValues, Name>; out: string } | undefined> {
  const { resume } = values;
  if (resume === undefined) return undefined;
  if (values.out !== undefined && values.out !== resume) {
    throw new UsageError(`train --resume: the run continues in ${resume}; drop --out.`);
  }
  const saved = await readRunConfig(resume).catch(asUsageError('resume'));
  for (const name of runOptions) {
    // parseOptions fills in defaults, so an option at its default counts as not given.
    const given = values[name];
    if (given === undefined || given === saved[name] || given === specOf(name).default) continue;
    throw new UsageError(
      `train --resume: ${resume} was started with ${describeOption(name, saved[name])}; drop --${name} ${given}.`,
    );
  }
  return { config: readSavedConfig(saved, runOptions, resume), out: resume };
}

/**
 * run.json's options, read and checked as the command line reads them: the file is the user's
 * to edit (or damage), so it is parsed, never trusted.
 */
function readSavedConfig<Name extends TrainOption>(
  saved: RunConfig,
  names: readonly Name[],
  dir: string,
): Pick<TrainValues, Name> {
  const config: Record<string, unknown> = {};
  for (const name of names) {
    const value = saved[name];
    try {
      config[name] = specOf(name).read(value === undefined ? undefined : String(value), 'train');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(
        `train --resume: ${dir}/${RUN_FILE}: ${error.message.replace(/^train /, '')}`,
      );
    }
  }
  // Every name was read above.
  return config as Pick<TrainValues, Name>;
}

function specOf(name: TrainOption) {
  const spec = TRAIN_OPTIONS.find((option) => option.name === name);
  if (spec === undefined) throw new Error(`train has no option --${name}`);
  return spec;
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

function describeOption(name: string, value: unknown): string {
  return value === undefined ? `no --${name}` : `--${name} ${value}`;
}
