import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BenchOptionError } from './bench-option-error.js';
import { NETWORK_MODES, type NetworkMode } from './networks.js';
import { LAYOUTS, type Layout, torchPythons } from './torch-peers.js';

export interface BenchOptions {
  name: string;
  threads: number[];
  rounds: number;
  warmup: number;
  steps: number;
  minTime: number;
  models: string[];
  batches: number[];
  /** Square input size of the segmentation networks (unet_*, fpn_*, fcn_*, deeplabv3_*). */
  segmentationSize: number;
  /** Batch sizes of the segmentation networks. */
  segmentationBatches: number[];
  /** What each network case measures: training, inference, folded inference. */
  networkModes: NetworkMode[];
  /** PyTorch's layouts to measure (the tables compare with the fastest). */
  layouts: Layout[];
  torch: boolean;
  /** The interpreters whose PyTorch is measured, one worker each (see torchPythons). */
  torchPythons: string[];
  kernels: boolean;
  networks: boolean;
  transformers: boolean;
  /** Cold import of each published package and `residual train` to its first step. */
  startup: boolean;
  quick: boolean;
}

export const USAGE = `pnpm bench [options]

Times startup first (the cold import of each published package in a fresh node, and the wait
from 'residual train' to its first training step), then the convolution kernels (forward and
both gradients, at the shapes of ResNet-20 and ResNet-50 stages) on every backend available
here, then training and inference of whole networks (classifiers and segmentation networks) and
of a character GPT (training and generation tokens/s), with PyTorch measured side by side in
the same run. Prints tables and writes bench/results/<name>.json.

Segmentation networks (unet_resnet18, fpn_resnet34, ...) train on per-pixel cross-entropy with 4
classes (the bundled shapes data set's) and SGD momentum; PyTorch builds the same network
(packages/models/scripts/segmentation-reference.py), and the bench stops if a peer's trainable
parameter count differs from ours.

PyTorch peers: every interpreter that can import torch is measured, each in its own worker,
image networks and convolutions in both NCHW and channels_last; the tables set ours against the
fastest peer and layout. By default the peers are Debian's /usr/bin/python3 (python3-torch,
PyTorch 1.13 on the reference BLAS) and the repo's .venv-torch when it exists, a PyTorch 2.x:

  python3 -m venv .venv-torch && .venv-torch/bin/pip install --retries 0 torch

  --name <name>        results file name (default: the date and time)
  --threads <list>     native / PyTorch thread counts to compare (default: 1,2)
  --models <list>      networks (default: cifar_resnet20,cifar_resnet56,resnet18,unet_resnet18)
  --batches <list>     batch sizes of the CIFAR networks (default: 32,128)
  --seg-size <n>       input size of the segmentation networks, a multiple of 32 (default: 64)
  --seg-batches <list> batch sizes of the segmentation networks (default: 16,32)
  --modes <list>       what each network measures: train, infer, infer-folded (default: all;
                       segmentation networks: train and infer)
  --layouts <list>     PyTorch layouts: NCHW, channels_last (default: both)
  --rounds <n>         interleaved rounds of ours and PyTorch (default: 2)
  --steps <n>          timed steps per round (default: 3; the median counts)
  --warmup <n>         untimed steps first (default: 1)
  --min-time <s>       seconds per kernel measurement (default: 0.3)
  --torch-python <list>
                       Python interpreters with torch, comma-separated (default:
                       RESIDUAL_TORCH_PYTHON, else /usr/bin/python3 and .venv-torch/bin/python)
  --no-torch           skip PyTorch
  --no-kernels         skip the kernel table
  --no-networks        skip whole networks
  --no-transformers    skip the GPT rows (gpt_char_micro training and generation)
  --no-startup         skip the startup section: the cold import of tfjs and of each published
                       package (a fresh node per import, median of 5) and the seconds from
                       spawning 'residual train' to its first step (median of 3)
  --quick              a smoke run: a few shapes, ResNet-20 at batch 32, one round; startup
                       with 2 imports per package and 1 training run
  --help`;

function list(value: string, what: string): number[] {
  const numbers = value.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BenchOptionError(
      `--${what}: expected positive integers separated by commas, got "${value}".`,
    );
  }
  return numbers;
}

/** U-Net and FPN halve the input five times, so their input is a multiple of 32. */
function segmentationSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) {
    throw new BenchOptionError(
      `--seg-size: expected a multiple of 32 (U-Net and FPN halve it five times), got "${value}".`,
    );
  }
  return size;
}

/** A comma-separated list of names, each one of `accepted`. */
function names<T extends string>(value: string, what: string, accepted: readonly T[]): T[] {
  const given = value.split(',');
  const unknown = given.find((name) => !(accepted as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new BenchOptionError(
      `--${what}: "${unknown}" is not one of ${accepted.join(', ')} (comma-separated).`,
    );
  }
  return given as T[];
}

/** node:util's parseArgs, its complaints (an unknown option, a missing value) as user errors. */
function parseArgsOrThrow<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new BenchOptionError(`${(error as Error).message.split('\n')[0]} (see --help)`);
    }
    throw error;
  }
}

export function parseOptions(
  args: string[],
  environment: NodeJS.ProcessEnv = process.env,
): BenchOptions | undefined {
  const { values } = parseArgsOrThrow({
    args,
    options: {
      name: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      models: { type: 'string' },
      batches: { type: 'string', default: '32,128' },
      'seg-size': { type: 'string', default: '64' },
      'seg-batches': { type: 'string', default: '16,32' },
      modes: { type: 'string', default: NETWORK_MODES.join(',') },
      layouts: { type: 'string', default: LAYOUTS.join(',') },
      rounds: { type: 'string', default: '2' },
      steps: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      'min-time': { type: 'string', default: '0.3' },
      'torch-python': { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
      'no-kernels': { type: 'boolean', default: false },
      'no-networks': { type: 'boolean', default: false },
      'no-transformers': { type: 'boolean', default: false },
      'no-startup': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick;
  return {
    name: values.name ?? new Date().toISOString().replace(/[:.]/g, '-'),
    threads: list(values.threads, 'threads'),
    rounds: quick ? 1 : list(values.rounds, 'rounds')[0],
    steps: quick ? 2 : list(values.steps, 'steps')[0],
    warmup: list(values.warmup, 'warmup')[0],
    minTime: quick ? 0.1 : Number(values['min-time']),
    models: values.models?.split(',') ?? (quick ? ['cifar_resnet20'] : []),
    batches: quick ? [32] : list(values.batches, 'batches'),
    segmentationSize: segmentationSize(values['seg-size']),
    segmentationBatches: quick ? [16] : list(values['seg-batches'], 'seg-batches'),
    networkModes: names(values.modes, 'modes', NETWORK_MODES),
    layouts: names(values.layouts, 'layouts', LAYOUTS),
    torch: !values['no-torch'],
    torchPythons: torchPythons(values['torch-python'], environment.RESIDUAL_TORCH_PYTHON),
    kernels: !values['no-kernels'],
    networks: !values['no-networks'],
    transformers: !values['no-transformers'],
    startup: !values['no-startup'],
    quick,
  };
}
