import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import {
  INIT_SCHEMES,
  type InitStudy,
  type InitStudyProgress,
  initStudy,
  initStudyChart,
} from '@residual/metrics';
import { createModel, listModels } from '@residual/models';
import { planForward, planRecompute } from '@residual/train';
import { BACKEND_OPTION, defineCommand, JSON_OPTION } from '../command.js';
import { DATASET_SOURCE_OPTIONS, loadDatasetFor } from '../datasets.js';
import { CHANNELS_OPTION, IMAGE_SIZE_OPTION, shapedDataset } from '../image-shape.js';
import { integer, items, nameList, number, parsed, text } from '../options.js';
import { checkReportFolder, writeStudyReport } from '../report-folder.js';
import { formatTable, significant } from '../table.js';
import type { Terminal } from '../terminal.js';
import { trainingBatches } from '../training-batches.js';
import { UsageError } from '../usage-error.js';
import { inCommandWords } from './train-recompute.js';

export const INIT_STUDY_FILES = { json: 'init-study.json', svg: 'init-study.svg' } as const;

const INIT_STUDY_OPTIONS = [
  nameList('schemes', {
    placeholder: 'names',
    description: 'Comma-separated initialisation schemes.',
    default: INIT_SCHEMES.map((s) => s.name).join(','),
    choices: INIT_SCHEMES.map((s) => s.name),
  }),
  parsed(
    'depths',
    {
      placeholder: 'list',
      description: 'Depths of cifar_resnet to measure at initialisation.',
      default: '20,56,110',
    },
    (text, where) => cifarDepths(text, where, false),
  ),
  parsed(
    'train-depths',
    {
      placeholder: 'list',
      description: 'Depths (among --depths) to train for --steps steps; empty for none.',
      default: '110',
    },
    (text, where) => cifarDepths(text, where, true),
  ),
  text('dataset', {
    placeholder: 'name',
    description:
      "Training images to measure and train on: a name from 'residual datasets' or a folder.",
    default: 'digits',
  }),
  ...DATASET_SOURCE_OPTIONS,
  IMAGE_SIZE_OPTION,
  CHANNELS_OPTION,
  integer('steps', {
    placeholder: 'n',
    description: 'SGD steps per trained network.',
    default: 50,
    min: 0,
  }),
  integer('warmup-steps', {
    placeholder: 'n',
    description: 'Steps at a tenth of --lr for he-warmup (default: a quarter of --steps).',
    min: 0,
  }),
  integer('batch-size', {
    placeholder: 'n',
    description: 'Images per batch.',
    default: 32,
    min: 1,
  }),
  number('lr', {
    placeholder: 'rate',
    description: 'Learning rate of every scheme (the ResNet paper: 0.1).',
    default: 0.1,
    above: 0,
  }),
  integer('seed', {
    placeholder: 'n',
    description: 'Seeds the initial weights and the batch order.',
    default: 0,
  }),
  BACKEND_OPTION,
  text('out', {
    placeholder: 'dir',
    description: 'Where to write the report and chart (default: runs/init-study-<timestamp>).',
  }),
  JSON_OPTION,
] as const;

export const initStudyCommand = defineCommand({
  name: 'init-study',
  summary:
    'Compare initialisation schemes of deep CIFAR ResNets: He, zero-γ, Fixup, ReZero, SkipInit.',
  description:
    'Builds cifar_resnet<depth> with each initialisation scheme and measures on one batch of ' +
    "training images (training-mode batch norm) the loss, the logits' standard deviation, the " +
    "residual stream's standard deviation after every block and every convolution's gradient " +
    'norm; at --train-depths it then trains each for --steps SGD steps (momentum 0.9) at one ' +
    'learning rate, the warm-up scheme at a tenth of it for the first --warmup-steps. Training ' +
    'recomputes activations where a step would not fit in memory. Prints a table and writes ' +
    'init-study.json and init-study.svg to --out.',
  options: INIT_STUDY_OPTIONS,
  examples: [
    'residual init-study',
    'residual init-study --depths 20,56,110,1202 --train-depths 1202 --batch-size 8 --steps 16',
    'residual init-study --schemes he,zero-gamma --depths 8 --train-depths 8 --steps 5',
  ],
  async run(values, terminal) {
    const { schemes, depths, 'train-depths': trainDepths, seed, 'batch-size': batchSize } = values;
    const stray = trainDepths.find((depth) => !depths.includes(depth));
    if (stray !== undefined) {
      throw new UsageError(`init-study --train-depths: ${stray} is not among --depths.`);
    }
    const out =
      values.out ?? join('runs', `init-study-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await checkReportFolder('init-study', out, INIT_STUDY_FILES.json);

    const backend = await initBackend({ backend: values.backend });
    const dataset = shapedDataset(
      await loadDatasetFor(values.dataset, values, terminal),
      values['image-size'],
      values.channels,
    );
    if (dataset.train.count < batchSize) {
      throw new UsageError(
        `init-study --batch-size: ${dataset.name} has ${dataset.train.count} training images, fewer than ${batchSize}.`,
      );
    }
    const build = (modelOptions: Record<string, string | boolean>, depth: number) =>
      createModel(`cifar_resnet${depth}`, {
        ...modelOptions,
        inputShape: [...dataset.train.imageShape] as [number, number, number],
        numClasses: dataset.numClasses,
        seed,
      });
    // The measurement keeps every activation: the deepest network must fit at this batch.
    const deepest = build({}, Math.max(...depths));
    try {
      await planRecompute({ model: deepest, batchSize, recompute: 'none' }).catch(
        inCommandWords('init-study'),
      );
    } finally {
      deepest.dispose();
    }
    terminal.err(
      `initialisation study of cifar_resnet at depth ${depths.join(', ')} on ${dataset.name} ` +
        `(${schemes.join(', ')}; batch ${batchSize}, ${values.steps} steps at depth ${trainDepths.join(', ') || 'none'}) ` +
        `with the ${backend} backend\n`,
    );
    const started = performance.now();
    const batch = trainingBatches(dataset, batchSize, seed);
    const study = await initStudy({
      schemes,
      depths,
      trainDepths,
      build: (scheme, depth) => build({ ...scheme.modelOptions }, depth),
      batch: (step) => batch(step),
      steps: values.steps,
      warmupSteps: values['warmup-steps'],
      learningRate: values.lr,
      trainingForward: async (model, size) => {
        const plan = await planRecompute({ model, batchSize: size }).catch(
          inCommandWords('init-study'),
        );
        return planForward(plan);
      },
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
      INIT_STUDY_FILES,
      { report, svg: initStudyChart(study), table: renderInitStudy(study) },
      values.json,
      terminal,
    );
  },
});

/** Depths of registered cifar_resnet models (`20,56,110`); none only where `empty` allows. */
function cifarDepths(text: string, where: string, empty: boolean): number[] {
  const known = listModels().map((m) => m.name);
  return items(text, empty, where).map((item) => {
    if (!/^\d+$/.test(item) || !known.includes(`cifar_resnet${item}`)) {
      const depths = known
        .filter((name) => /^cifar_resnet\d+$/.test(name))
        .map((name) => name.slice('cifar_resnet'.length));
      throw new UsageError(
        `${where}: no cifar_resnet of depth '${item}'. Known depths: ${depths.join(', ')}.`,
      );
    }
    return Number(item);
  });
}

function progressReporter(terminal: Terminal): (progress: InitStudyProgress) => void {
  return (progress) => {
    const name = `cifar_resnet${progress.depth} ${progress.scheme}`;
    if (progress.phase === 'initial') terminal.err(`${name}: measuring at initialisation\n`);
    else if (progress.step !== undefined && (progress.step % 10 === 0 || progress.step === 1)) {
      terminal.err(`${name}: step ${progress.step} loss ${progress.loss?.toFixed(4)}\n`);
    }
  };
}

/** One row per scheme and depth: what it starts at and, when trained, where it got. */
export function renderInitStudy(study: InitStudy): string {
  const trained = study.steps > 0 && study.trainDepths.length > 0;
  const header = [
    'depth',
    'scheme',
    'loss at init',
    'logit std',
    'stream std (last block)',
    '‖g‖ first/last conv',
    ...(trained ? [`train loss (steps ${Math.max(1, study.steps - 4)}–${study.steps})`] : []),
  ];
  const rows = study.measurements.map((m) => {
    const run = study.training.find((t) => t.scheme === m.scheme && t.depth === m.depth);
    const last = run?.losses.slice(-5) ?? [];
    const norms = m.convGradientNorms;
    return [
      String(m.depth),
      study.schemes.find((s) => s.name === m.scheme)?.label ?? m.scheme,
      m.loss.toFixed(3),
      significant(m.logitStd),
      significant(m.streamStd.at(-1) ?? Number.NaN),
      significant((norms.at(0) ?? Number.NaN) / (norms.at(-1) ?? Number.NaN)),
      ...(trained
        ? [
            run === undefined
              ? ''
              : run.diverged
                ? 'diverged'
                : (last.reduce((a, b) => a + b, 0) / last.length).toFixed(3),
          ]
        : []),
    ];
  });
  return `${formatTable([header, ...rows])}\nln(classes) = ${study.uniformLoss.toFixed(3)}`;
}
