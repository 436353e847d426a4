import { join } from 'node:path';
import { initBackend, nativeKernelStatus } from '@residual/backend';
import { DEFAULT_TEXT_DATASET, loadTextDataset, TOKENIZER_FILE } from '@residual/datasets';
import { createModel, getModelEntry } from '@residual/models';
import {
  evaluateLanguageModel,
  languageModelContext,
  openRunDirectory,
  saveModel,
  trainLanguageModel,
  writeFileAtomic,
} from '@residual/train';
import { downloadProgress } from '../download-progress.js';
import { stoppedByInterrupt, trainUntilDoneOrInterrupted } from '../interrupt.js';
import { LANGUAGE_MODEL_FLAGS, LANGUAGE_MODEL_OPTIONS } from '../language-models.js';
import { LanguageProgress } from '../language-progress.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import { asUsageError, checkRunStart } from './train-config.js';
import {
  type LanguageRunConfig,
  languageRecipe,
  languageRunConfig,
} from './train-language-config.js';
import type { TrainValues } from './train-options.js';

/**
 * `residual train` for a language model: the text, a model sized for its vocabulary, nanoGPT's
 * recipe; writes the model, tokenizer.json and metrics.json (validation loss and bits per
 * character) to the run directory, with checkpoints and exact resume as for images.
 */
export async function trainLanguage(values: TrainValues, terminal: Terminal): Promise<number> {
  const { config, out } = await languageRunConfig(values);
  const option = values.resume === undefined ? 'out' : 'resume';
  await checkRunStart(option, out, config);
  const backend = await initBackend({ backend: values.backend });
  const native = backend === 'wasm' ? await nativeKernelStatus() : undefined;
  const model = buildModel(config, 0);
  const context = languageModelContext(model);
  model.dispose();
  // A registered language model takes windows of a fixed length.
  if (context === undefined) throw new Error(`${config.model} has no context length`);
  const text = await loadTextDataset(config.dataset ?? DEFAULT_TEXT_DATASET, {
    tokenizer: config.tokenizer ?? 'char',
    context,
    dataDir: values['data-dir'],
    download: values.download,
    onProgress: downloadProgress(terminal),
  });
  const { tokenizer } = text;
  const sized = buildModel(config, tokenizer.vocabSize);
  const recipe = languageRecipe(config);
  const run = await openRunDirectory(out, config).catch(asUsageError(option));
  terminal.err(
    `training ${config.model} on ${text.name} (${text.train.length} train / ${text.validation.length} validation ${tokenizer.unit}s, ` +
      `${tokenizer.vocabSize} tokens, context ${context}) for ${recipe.steps} steps of ${recipe.batchSize} with nanoGPT's recipe and the ${backend} backend` +
      `${native?.available ? ` (native kernels: ${native.isa}, ${native.threads} threads)` : ''}${run.resumeFrom === undefined ? '' : `, resuming from ${run.resumeFrom}`}\n`,
  );

  const progress = new LanguageProgress(terminal, tokenizer.unit);
  const result = await trainUntilDoneOrInterrupted(terminal, run, values, (controls) =>
    trainLanguageModel({
      model: sized,
      data: { train: text.train, validation: text.validation, vocabSize: tokenizer.vocabSize },
      recipe,
      seed: config.seed,
      ...controls,
      callbacks: {
        onStepEnd: (info) => progress.stepEnd(info),
        onEvaluation: (record) => progress.evaluation(record, recipe.steps),
      },
    }),
  );
  if (result.aborted) return stoppedByInterrupt(terminal, result, out);

  // The whole held-out text, each token predicted once (training measured a sample of it).
  const final = evaluateLanguageModel(sized, text.validation, { context });
  const seconds = result.history.reduce((sum, record) => sum + record.seconds, 0);
  const bitsKey =
    tokenizer.unit === 'byte' ? 'validationBitsPerByte' : 'validationBitsPerCharacter';
  const metrics = {
    task: 'language',
    model: config.model,
    dataset: text.name,
    source: text.source,
    tokenizer: tokenizer.type,
    vocabSize: tokenizer.vocabSize,
    backend,
    seed: config.seed,
    recipe,
    context,
    parameters: sized.countParams(),
    steps: result.steps,
    trainTokens: text.train.length,
    validationTokens: final.tokens,
    validationLoss: final.loss,
    [bitsKey]: final.bitsPerToken,
    validationPerplexity: final.perplexity,
    validationAccuracy: final.accuracy,
    seconds,
    tokensPerSecond: (result.steps * recipe.batchSize * context) / seconds,
    history: result.history,
  };
  await writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  await writeFileAtomic(join(out, TOKENIZER_FILE), `${JSON.stringify(tokenizer.toJSON())}\n`);
  // The model last: its presence marks the run finished.
  await saveModel(sized, out);
  terminal.out(
    `validation loss ${final.loss.toFixed(4)} (${final.bitsPerToken.toFixed(3)} bits per ${tokenizer.unit}, perplexity ${final.perplexity.toFixed(2)}) on ${final.tokens} held-out ${tokenizer.unit}s after ${result.steps} steps (${seconds.toFixed(1)}s); model, ${TOKENIZER_FILE} and metrics.json written to ${out}\n`,
  );
  return 0;
}

/**
 * The registry model the configuration names, for a vocabulary of `vocabSize` (0: only to
 * read its context, with the smallest vocabulary that builds).
 */
function buildModel(config: LanguageRunConfig, vocabSize: number) {
  const entry = getModelEntry(config.model);
  const options: Record<string, number> = {
    vocabSize: Math.max(vocabSize, 2),
    seed: config.seed,
  };
  for (const flag of LANGUAGE_MODEL_FLAGS) {
    const value = config[flag];
    const name = LANGUAGE_MODEL_OPTIONS[flag];
    if (value === undefined) continue;
    if (!entry.options.includes(name)) {
      throw new UsageError(`train --${flag}: ${entry.name} has no option ${name}.`);
    }
    options[name] = value;
  }
  return createModel(entry.name, options);
}
