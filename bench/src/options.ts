import { parseArgs } from 'node:util';

export interface BenchOptions {
  name: string;
  threads: number[];
  rounds: number;
  warmup: number;
  steps: number;
  minTime: number;
  models: string[];
  batches: number[];
  torch: boolean;
  kernels: boolean;
  networks: boolean;
  transformers: boolean;
  quick: boolean;
}

export const USAGE = `pnpm bench [options]

Times the convolution kernels (forward and both gradients, at the shapes of ResNet-20 and
ResNet-50 stages) on every backend available here, then training and inference of whole
networks and of a character GPT (training and generation tokens/s), with PyTorch measured side by side in the same run when /usr/bin/python3 can import
torch. Prints tables and writes bench/results/<name>.json.

  --name <name>        results file name (default: the date and time)
  --threads <list>     native / PyTorch thread counts to compare (default: 1,2)
  --models <list>      networks (default: cifar_resnet20,cifar_resnet56,resnet18 when registered)
  --batches <list>     batch sizes of the CIFAR networks (default: 32,128)
  --rounds <n>         interleaved rounds of ours and PyTorch (default: 2)
  --steps <n>          timed steps per round (default: 3; the median counts)
  --warmup <n>         untimed steps first (default: 1)
  --min-time <s>       seconds per kernel measurement (default: 0.3)
  --no-torch           skip PyTorch
  --no-kernels         skip the kernel table
  --no-networks        skip whole networks
  --no-transformers    skip the GPT rows (gpt_char_micro training and generation)
  --quick              a smoke run: a few shapes, ResNet-20 at batch 32, one round
  --help`;

function list(value: string, what: string): number[] {
  const numbers = value.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--${what}: expected positive integers separated by commas, got "${value}".`);
  }
  return numbers;
}

export function parseOptions(args: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      models: { type: 'string' },
      batches: { type: 'string', default: '32,128' },
      rounds: { type: 'string', default: '2' },
      steps: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      'min-time': { type: 'string', default: '0.3' },
      'no-torch': { type: 'boolean', default: false },
      'no-kernels': { type: 'boolean', default: false },
      'no-networks': { type: 'boolean', default: false },
      'no-transformers': { type: 'boolean', default: false },
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
    torch: !values['no-torch'],
    kernels: !values['no-kernels'],
    networks: !values['no-networks'],
    transformers: !values['no-transformers'],
    quick,
  };
}
