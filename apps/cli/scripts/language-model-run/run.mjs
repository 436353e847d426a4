// The scripted language-model run (not a test): gpt_char_micro trained by nanoGPT's CPU recipe
// on a character corpus, on one thread, then measured on the whole held-out tenth and compared
// with a character 5-gram. Writes everything to one JSON file.
//
// node apps/cli/scripts/language-model-run/run.mjs --corpus tiny-shakespeare \
//   --local-copy /path/to/input.txt --minutes 10
//
// --minutes sizes the run to the machine: it times a few steps and an evaluation first, then
// trains for as many steps as fit (the cosine schedule needs the length up front); --steps
// fixes the length instead.
// tiny Shakespeare is fetched through the package's download code (SHA-256 checked) from a
// 127.0.0.1 server that serves --local-copy, since this machine has no internet access.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, nativeKernelStatus } from '@residual/backend';
import { getTextDatasetInfo, loadTextDataset } from '@residual/datasets';
import { createModel } from '@residual/models';
import {
  evaluateLanguageModel,
  generateText,
  NgramModel,
  nanoGptRecipe,
  trainLanguageModel,
} from '@residual/train';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'moby-dick' },
    'local-copy': { type: 'string' },
    steps: { type: 'string' },
    minutes: { type: 'string' },
    evaluations: { type: 'string', default: '4' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const seed = Number(values.seed);
const threads = Number(values.threads);
const out =
  values.out ?? new URL(`results/gpt-char-micro-${values.corpus}.json`, import.meta.url).pathname;
const context = 64;

const backend = await initBackend({ backend: 'wasm', threads });
const native = await nativeKernelStatus();

const text = await loadCorpus(values.corpus, values['local-copy']);
const vocabSize = text.tokenizer.vocabSize;
console.error(
  `${values.corpus}: ${text.train.length} train / ${text.validation.length} validation characters, ${vocabSize} distinct`,
);

const evaluations = Number(values.evaluations);
const steps =
  values.steps !== undefined
    ? Number(values.steps)
    : await stepsThatFit(Number(values.minutes ?? 10));
const model = createModel('gpt_char_micro', { vocabSize, seed });
const recipe = nanoGptRecipe({ steps, evalEvery: Math.ceil(steps / evaluations) });
console.error(
  `training ${steps} steps of ${recipe.batchSize} windows of ${context}, evaluating every ${recipe.evalEvery}`,
);
const started = performance.now();
const result = await trainLanguageModel({
  model,
  data: { train: text.train, validation: text.validation, vocabSize },
  recipe,
  seed,
  callbacks: {
    onEvaluation: (record) =>
      console.error(
        `step ${record.step}/${steps}  loss ${record.loss.toFixed(4)}  val loss ${record.validationLoss.toFixed(4)}  ${record.validationBits.toFixed(3)} bits/char  ${((performance.now() - started) / 1000).toFixed(0)}s`,
      ),
  },
});
const trainSeconds = (performance.now() - started) / 1000;
const final = evaluateLanguageModel(model, text.validation, { context });
console.error(
  `whole validation text: loss ${final.loss.toFixed(4)}, ${final.bitsPerToken.toFixed(3)} bits/char`,
);

const ngram = fiveGram(text.train, text.validation, vocabSize);
console.error(
  `5-gram (add-${ngram.k}): loss ${ngram.loss.toFixed(4)}, ${ngram.bits.toFixed(3)} bits/char`,
);

let sample = '';
for await (const piece of generateText(model, text.tokenizer, {
  prompt: '\n',
  tokens: 300,
  temperature: 0.8,
  topK: 40,
  seed,
})) {
  sample += piece;
}

const report = {
  corpus: values.corpus,
  source: values['local-copy']
    ? 'a local copy, served from 127.0.0.1 and checked by SHA-256'
    : text.source.replace(/^.*node_modules\//, ''),
  model: 'gpt_char_micro',
  parameters: model.countParams(),
  vocabSize,
  context,
  backend,
  threads,
  nativeKernels: native.available ? native.isa : 'unavailable',
  cpu: cpus()[0]?.model,
  node: process.version,
  seed,
  recipe,
  steps: result.steps,
  trainSeconds,
  tokensPerSecond: (result.steps * recipe.batchSize * context) / trainSeconds,
  validation: {
    characters: final.tokens,
    loss: final.loss,
    bitsPerCharacter: final.bitsPerToken,
    perplexity: final.perplexity,
    accuracy: final.accuracy,
  },
  fiveGram: ngram,
  history: result.history,
  sample,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${out}`);
process.exit(0);

/** Steps of batch 12 that fit in `minutes` with the evaluations, timed on this machine now. */
async function stepsThatFit(minutes) {
  const probe = createModel('gpt_char_micro', { vocabSize, seed: seed + 1 });
  const times = [];
  let last = performance.now();
  await trainLanguageModel({
    model: probe,
    data: { train: text.train, vocabSize },
    recipe: nanoGptRecipe({ steps: 5, evalEvery: 5 }),
    seed,
    callbacks: {
      onStepEnd: () => {
        times.push((performance.now() - last) / 1000);
        last = performance.now();
      },
    },
  });
  const perStep = Math.min(...times.slice(2));
  const evalStarted = performance.now();
  evaluateLanguageModel(probe, text.validation, { context, windows: 24 });
  const perEvaluation = ((performance.now() - evalStarted) / 1000) * 10;
  probe.dispose();
  const budget = minutes * 60 - perEvaluation * evaluations;
  const steps = Math.max(evaluations, Math.floor(budget / perStep));
  console.error(
    `about ${perStep.toFixed(2)} s a step and ${perEvaluation.toFixed(1)} s an evaluation here: ${steps} steps fit in ${minutes} minutes`,
  );
  return steps;
}

async function loadCorpus(name, localCopy) {
  if (localCopy === undefined) return loadTextDataset(name, { context });
  const body = readFileSync(localCopy);
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const info = getTextDatasetInfo(name);
  const url = `http://127.0.0.1:${server.address().port}/input.txt`;
  const dataDir = mkdtempSync(join(tmpdir(), 'residual-lm-run-'));
  try {
    return await loadTextDataset(
      { ...info, file: { ...info.file, urls: [url] } },
      { context, dataDir, download: true },
    );
  } finally {
    server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The character 5-gram baseline: add-k smoothing with k chosen on the last tenth of the
 * training text (fit on the rest), then refit on all of it and measured on the validation text.
 */
function fiveGram(train, validation, vocab) {
  const cut = Math.round(train.length * 0.9);
  const candidates = [0.01, 0.03, 0.1];
  const tuned = candidates.map((k) => ({
    k,
    loss: new NgramModel(5, vocab, k).fit(train.subarray(0, cut)).crossEntropy(train.subarray(cut)),
  }));
  const { k } = tuned.reduce((best, entry) => (entry.loss < best.loss ? entry : best));
  const loss = new NgramModel(5, vocab, k).fit(train).crossEntropy(validation);
  return {
    order: 5,
    smoothing: 'add-k with back-off to the longest seen context',
    k,
    tuned,
    loss,
    bits: loss / Math.LN2,
  };
}
