import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { loadTextDataset } from '@residual/datasets';
import {
  evaluateLanguageModel,
  languageModelContext,
  loadModel,
  writeFileAtomic,
} from '@residual/train';
import { downloadProgress } from '../download-progress.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import type { EvalValues } from './eval.js';
import { readTokenizer } from './generate.js';

/**
 * `residual eval` for a language model (a model directory with tokenizer.json): the
 * next-token loss, perplexity and bits per character on the held-out tenth of its corpus
 * (or of --dataset), each token predicted once; written to eval.json.
 */
export async function evalLanguage(
  modelDir: string,
  values: EvalValues,
  terminal: Terminal,
  evalFile: string,
): Promise<number> {
  const tokenizer = await readTokenizer(modelDir);
  const source = values.dataset ?? (await runSource(modelDir));
  const backend = await initBackend({ backend: values.backend });
  const model = await loadModel(modelDir);
  const context = languageModelContext(model);
  if (context === undefined) {
    throw new UsageError(
      `eval: the model in ${modelDir} has no context length; is it a language model?`,
    );
  }
  const text = await loadTextDataset(source, {
    tokenizer,
    context,
    dataDir: values['data-dir'],
    download: values.download,
    onProgress: downloadProgress(terminal),
  });
  const split = values.split === 'train' ? 'train' : 'validation';
  const evaluation = evaluateLanguageModel(model, text[split], {
    context,
    batchSize: values['batch-size'] ?? 256,
  });
  const unit = tokenizer.unit;
  const result = {
    task: 'language',
    modelDir,
    dataset: text.name,
    split,
    backend,
    tokenizer: tokenizer.type,
    context,
    loss: evaluation.loss,
    perplexity: evaluation.perplexity,
    [unit === 'byte' ? 'bitsPerByte' : 'bitsPerCharacter']: evaluation.bitsPerToken,
    accuracy: evaluation.accuracy,
    tokens: evaluation.tokens,
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  await writeFileAtomic(join(modelDir, evalFile), json);
  if (values.json) {
    terminal.out(json);
    return 0;
  }
  terminal.out(
    `${modelDir} on the ${text.name} ${split} text (${evaluation.tokens} ${unit}s):\n` +
      `  loss        ${evaluation.loss.toFixed(4)} nats per ${unit}\n` +
      `  perplexity  ${evaluation.perplexity.toFixed(3)}\n` +
      `  bits        ${evaluation.bitsPerToken.toFixed(4)} per ${unit}\n` +
      `  accuracy    ${(evaluation.accuracy * 100).toFixed(2)}% of next ${unit}s\n` +
      `written to ${join(modelDir, evalFile)}\n`,
  );
  return 0;
}

/** The text a run trained on, from its metrics.json (the file or folder for a path). */
async function runSource(modelDir: string): Promise<string> {
  const path = join(modelDir, 'metrics.json');
  let metrics: { dataset?: unknown; source?: unknown };
  try {
    metrics = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`eval: ${path} is missing or unreadable; name the text with --dataset.`);
  }
  const { listTextDatasets } = await import('@residual/datasets');
  const { dataset } = metrics;
  if (typeof dataset === 'string' && listTextDatasets().some((info) => info.name === dataset)) {
    return dataset;
  }
  if (typeof metrics.source === 'string') return metrics.source;
  throw new UsageError(`eval: ${path} does not name the text; name it with --dataset.`);
}
