import { initBackend } from '@residual/backend';
import { DEFAULT_TEXT_DATASET, loadTextDataset, textBatch } from '@residual/datasets';
import type { TransformerResidualForm } from '@residual/layers';
import {
  compareResidualForms,
  type ResidualFormStudy,
  type ResidualFormStudyProgress,
  residualFormChart,
} from '@residual/metrics';
import { createModel, getModelEntry } from '@residual/models';
import { AdamW, nextTokenLoss } from '@residual/train';
import { downloadProgress } from '../download-progress.js';
import { writeStudyReport } from '../report-folder.js';
import { formatTable, significant } from '../table.js';
import type { Terminal } from '../terminal.js';
import { UsageError } from '../usage-error.js';
import type { GradientFlowValues } from './gradient-flow-options.js';

/** The study's defaults: small and shallow enough for a laptop, the forms the papers compare. */
const DEFAULTS = {
  forms: ['pre-ln', 'post-ln', 'none', 'rezero', 'deepnorm'],
  depths: [2, 6],
  width: 64,
  heads: 4,
  context: 32,
  lr: 1e-3,
} as const;

/**
 * `residual gradient-flow --models <language model>`: the residual-form study of a transformer
 * (Xiong et al. 2020; Bachlechner et al. 2020; Wang et al. 2022). Every form of --residual-forms
 * at every depth of --depths (blocks), measured on a text batch, trained with AdamW at a constant
 * rate (no warm-up by default, on purpose; --warmup gives Xiong et al.'s control), and measured
 * again.
 */
export async function runTransformerStudy(
  model: string,
  values: GradientFlowValues,
  out: string,
  files: { json: string; svg: string },
  terminal: Terminal,
): Promise<number> {
  const forms = values['residual-forms'] ?? [...DEFAULTS.forms];
  const depths = values.depths ?? [...DEFAULTS.depths];
  const stepsAt = values['steps-at'] ?? new Map<number, number>();
  const width = values.width ?? DEFAULTS.width;
  const heads = values.heads ?? DEFAULTS.heads;
  const context = values.context ?? DEFAULTS.context;
  if (width % heads !== 0) {
    throw new UsageError(`gradient-flow --width: ${width} does not divide by --heads ${heads}.`);
  }
  const learningRate = values.lr ?? DEFAULTS.lr;
  const warmupSteps = values.warmup ?? 0;
  const { steps, 'batch-size': batchSize, seed } = values;

  const backend = await initBackend({ backend: values.backend });
  const text = await loadTextDataset(values.dataset ?? DEFAULT_TEXT_DATASET, {
    tokenizer: 'char',
    context,
    dataDir: values['data-dir'],
    download: values.download,
    onProgress: downloadProgress(terminal),
  });
  const vocabSize = text.tokenizer.vocabSize;
  const entry = getModelEntry(model);
  terminal.err(
    `gradient flow of ${entry.name} (${forms.join(', ')}) at ${depths.join(', ')} blocks, width ${width}, ` +
      `${heads} heads, context ${context}, on ${text.name} (batch ${batchSize}, AdamW at ${warmupSteps > 0 ? `${learningRate} after ${warmupSteps} steps of warm-up` : `a constant ${learningRate}`}, ` +
      `${steps} steps${stepsAt.size > 0 ? `, ${[...stepsAt].map(([d, s]) => `${s} at ${d} blocks`).join(', ')}` : ''}) with the ${backend} backend\n`,
  );
  const started = performance.now();
  const study = await compareResidualForms({
    forms,
    depths,
    build: (form, depth) =>
      createModel(entry.name, {
        vocabSize,
        contextLength: context,
        layers: depth,
        heads,
        width,
        residualForm: form as TransformerResidualForm,
        seed,
      }),
    batch: (step) => textBatch(text.train, { batchSize, context, seed, step }),
    loss: (logits, targets) => nextTokenLoss(logits, targets),
    // nanoGPT's character recipe, without its decay (and its warm-up unless --warmup).
    optimizer: (weights) => new AdamW(weights, { beta2: 0.99, weightDecay: 0.1 }),
    steps: (depth) => stepsAt.get(depth) ?? steps,
    learningRate,
    warmupSteps,
    onProgress: progressReporter(terminal),
  });
  const report = {
    kind: 'residual-forms',
    model: entry.name,
    dataset: text.name,
    backend,
    seed,
    width,
    heads,
    context,
    vocabSize,
    optimizer: { name: 'adamw', beta1: 0.9, beta2: 0.99, weightDecay: 0.1, warmup: warmupSteps },
    seconds: (performance.now() - started) / 1000,
    ...study,
  };
  return writeStudyReport(
    out,
    files,
    { report, svg: residualFormChart(study), table: renderFormStudy(study) },
    values.json,
    terminal,
  );
}

/** One row per network: gradient at the first and last block at init and after training. */
export function renderFormStudy(study: ResidualFormStudy): string {
  const ends = (groups: { block: boolean; gradientNorm: number }[]) => {
    const blocks = groups.filter((g) => g.block);
    return [significant(blocks[0].gradientNorm), significant(blocks.at(-1)!.gradientNorm)];
  };
  const rows = [
    [
      'form',
      'blocks',
      'params',
      '‖g‖ block 1 (init)',
      '‖g‖ last (init)',
      'steps',
      '‖g‖ block 1 (trained)',
      '‖g‖ last (trained)',
      'loss at init',
      'train loss (last 10)',
    ],
    ...study.runs.map((run) => [
      run.form,
      String(run.depth),
      run.trainableParams.toLocaleString('en-US'),
      ...ends(run.initial.groups),
      String(run.steps),
      ...(run.trained === null
        ? run.diverged
          ? ['diverged', '']
          : ['', '']
        : ends(run.trained.groups)),
      run.initial.loss.toFixed(3),
      run.diverged ? 'diverged' : Number.isNaN(run.finalLoss) ? '' : run.finalLoss.toFixed(3),
    ]),
  ];
  return formatTable(rows);
}

function progressReporter(terminal: Terminal): (progress: ResidualFormStudyProgress) => void {
  return (p) => {
    const name = `${p.form} × ${p.depth} blocks (${p.run}/${p.of})`;
    if (p.phase === 'initial') terminal.err(`${name}: measuring the gradient at initialisation\n`);
    else if (p.phase === 'trained')
      terminal.err(`${name}: measuring the gradient after training\n`);
    else if (p.step !== undefined && p.step % 25 === 0) {
      terminal.err(`${name}: step ${p.step} loss ${p.loss?.toFixed(4)}\n`);
    }
  };
}
