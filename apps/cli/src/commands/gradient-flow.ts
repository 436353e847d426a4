import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import {
  compareDepths,
  type DepthStudy,
  type DepthStudyProgress,
  depthStudyChart,
} from '@residual/metrics';
import { createModel } from '@residual/models';
import { defineCommand } from '../command.js';
import { loadDatasetFor } from '../datasets.js';
import { shapedDataset } from '../image-shape.js';
import { isLanguageModel } from '../language-models.js';
import { parseNetworks } from '../parse-networks.js';
import { checkReportFolder, writeStudyReport } from '../report-folder.js';
import { formatTable, significant } from '../table.js';
import type { Terminal } from '../terminal.js';
import { trainingBatches } from '../training-batches.js';
import { UsageError } from '../usage-error.js';
import { GRADIENT_FLOW_OPTIONS } from './gradient-flow-options.js';
import { runTransformerStudy } from './gradient-flow-transformer.js';

export const GRADIENT_FLOW_FILES = {
  json: 'gradient-flow.json',
  svg: 'gradient-flow.svg',
} as const;

/** Options of the transformer study that an image model would silently ignore. */
const LANGUAGE_ONLY_OPTIONS = [
  'residual-forms',
  'steps-at',
  'warmup',
  'width',
  'heads',
  'context',
] as const;

export const gradientFlowCommand = defineCommand({
  name: 'gradient-flow',
  summary: 'Compare how gradients flow through residual and plain networks of several depths.',
  description:
    'Builds each network, measures on one batch of training images (training-mode batch norm) ' +
    "the gradient norm of every layer, and reports the ratio of the first 3×3 convolution's " +
    "gradient norm to the last one's: at initialisation and, with --steps, after that many SGD " +
    'steps, with the training loss reached. With --depths, every family of --models is built at ' +
    'each depth. Prints a table and writes gradient-flow.json and gradient-flow.svg (gradient ' +
    'norm per convolution, log scale, and the loss per step) to --out. Given a language model ' +
    '(e.g. gpt_char_micro), compares the transformer residual forms of --residual-forms at the ' +
    'depths (blocks) of --depths instead: the gradient norm of every block at initialisation and ' +
    'after --steps AdamW steps at a constant learning rate (no warm-up), on a text corpus.',
  options: GRADIENT_FLOW_OPTIONS,
  examples: [
    'residual gradient-flow',
    'residual gradient-flow --models cifar_resnet20,cifar_plain20 --depths 20,56,110 --steps 50',
    'residual gradient-flow --models cifar_plain20 --json',
    'residual gradient-flow --models gpt_char_micro --depths 6,24 --steps 200',
  ],
  async run(values, terminal) {
    const language = values.models.filter((name) => isLanguageModel(name));
    if (language.length > 0 && values.models.length > 1) {
      throw new UsageError(
        `gradient-flow --models: a language model (${language[0]}) is studied alone, across --residual-forms; give only it.`,
      );
    }
    if (language.length > 0) {
      for (const name of ['image-size', 'channels'] as const) {
        if (values[name] !== undefined) {
          throw new UsageError(
            `gradient-flow --${name}: only for image models; ${language[0]} is a language model.`,
          );
        }
      }
    } else {
      for (const name of LANGUAGE_ONLY_OPTIONS) {
        if (values[name] !== undefined) {
          throw new UsageError(
            `gradient-flow --${name}: only for a language model; ${values.models.join(',')} are image models.`,
          );
        }
      }
    }
    const { families, depths } =
      language.length > 0
        ? { families: [], depths: [] }
        : parseNetworks(values.models, values.depths);
    const out =
      values.out ?? join('runs', `gradient-flow-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await checkReportFolder('gradient-flow', out, GRADIENT_FLOW_FILES.json);

    if (language.length > 0) {
      return runTransformerStudy(language[0], values, out, GRADIENT_FLOW_FILES, terminal);
    }
    const backend = await initBackend({ backend: values.backend });
    const dataset = shapedDataset(
      await loadDatasetFor(values.dataset ?? 'digits', values, terminal),
      values['image-size'],
      values.channels,
    );
    const { seed, 'batch-size': batchSize, steps } = values;
    if (dataset.train.count < batchSize) {
      throw new UsageError(
        `gradient-flow --batch-size: ${dataset.name} has ${dataset.train.count} training images, fewer than ${batchSize}.`,
      );
    }
    terminal.err(
      `gradient flow of ${families.join(', ')} at depth ${depths.join(', ')} on ${dataset.name} ` +
        `(batch ${batchSize}, ${steps} steps) with the ${backend} backend\n`,
    );
    const started = performance.now();
    const study = await compareDepths({
      families,
      depths,
      build: (family, depth) =>
        createModel(`${family}${depth}`, {
          inputShape: [...dataset.train.imageShape] as [number, number, number],
          numClasses: dataset.numClasses,
          seed,
        }),
      batch: trainingBatches(dataset, batchSize, seed),
      steps,
      learningRate: values.lr ?? 0.05,
      onProgress: progressReporter(terminal),
    });
    const report = {
      dataset: dataset.name,
      // [height, width, channels] the networks were built for (--image-size, --channels).
      images: dataset.train.imageShape,
      backend,
      seed,
      seconds: (performance.now() - started) / 1000,
      ...study,
    };
    return writeStudyReport(
      out,
      GRADIENT_FLOW_FILES,
      { report, svg: depthStudyChart(study), table: renderStudy(study) },
      values.json,
      terminal,
    );
  },
});

function progressReporter(terminal: Terminal): (progress: DepthStudyProgress) => void {
  let lastDraw = 0;
  let drawing = false;
  const line = (text: string) => {
    terminal.err(`${drawing ? '\r\x1b[K' : ''}${text}\n`);
    drawing = false;
  };
  return (progress) => {
    const name = `${progress.family}${progress.depth} (${progress.run}/${progress.of})`;
    if (progress.phase === 'initial') line(`${name}: measuring the gradient at initialisation`);
    else if (progress.phase === 'trained') line(`${name}: measuring the gradient after training`);
    else if (terminal.interactive) {
      if (performance.now() - lastDraw < 100) return;
      lastDraw = performance.now();
      terminal.err(`\r${name}: step ${progress.step} loss ${progress.loss?.toFixed(4)}\x1b[K`);
      drawing = true;
    } else if (progress.step !== undefined && progress.step % 10 === 0) {
      line(`${name}: step ${progress.step} loss ${progress.loss?.toFixed(4)}`);
    }
  };
}

/** The study as a text table, one row per network. */
export function renderStudy(study: DepthStudy): string {
  const trainedHeader = `after ${study.steps} steps`;
  const rows = [
    [
      'model',
      'params',
      '‖g‖ first/last conv',
      ...(study.steps > 0 ? [trainedHeader] : []),
      'loss at init',
      ...(study.steps > 0 ? ['train loss (last 10 steps)'] : []),
    ],
    ...study.runs.map((run) => [
      run.model,
      run.trainableParams.toLocaleString('en-US'),
      significant(run.initial.firstToLastRatio),
      ...(study.steps > 0
        ? [run.trained === null ? 'diverged' : significant(run.trained.firstToLastRatio)]
        : []),
      run.initial.loss.toFixed(3),
      ...(study.steps > 0 ? [run.diverged ? 'diverged' : run.finalLoss.toFixed(3)] : []),
    ]),
  ];
  return formatTable(rows);
}
