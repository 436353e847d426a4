import { type CifarResNetOptions, type CifarResNetSpec, cifarResNet } from './cifar-resnet.js';
import { HEAD_OPTION_NAMES, RESIDUAL_OPTION_NAMES } from './model-options.js';
import { type ModelReference, registerModel } from './registry.js';

const RESNET_PAPER = {
  title: 'He, Zhang, Ren, Sun 2015: Deep Residual Learning for Image Recognition',
  url: 'https://arxiv.org/abs/1512.03385',
};
const IDENTITY_MAPPINGS = {
  title: 'He, Zhang, Ren, Sun 2016: Identity Mappings in Deep Residual Networks',
  url: 'https://arxiv.org/abs/1603.05027',
};
const WIDE_RESNETS = {
  title: 'Zagoruyko & Komodakis 2016: Wide Residual Networks',
  url: 'https://arxiv.org/abs/1605.07146',
};

function registerCifar(
  spec: CifarResNetSpec,
  family: string,
  description: string,
  counts: { trainableParams: number; totalParams: number; macs: number },
  reference: ModelReference,
): void {
  const residual = spec.residual ?? true;
  registerModel<CifarResNetOptions>({
    name: spec.name,
    family,
    description,
    defaultInputShape: [32, 32, 3],
    defaultNumClasses: 10,
    ...counts,
    reference,
    options: residual
      ? [...HEAD_OPTION_NAMES, ...RESIDUAL_OPTION_NAMES, 'shortcut']
      : [...HEAD_OPTION_NAMES],
    build: (options) => cifarResNet(spec, options),
  });
}

/**
 * Counts of the ResNet paper's CIFAR networks with option A shortcuts (and of their plain
 * counterparts, which have the same layers) for 6n + 2 layers, in closed form: each block adds
 * 2 3×3 convolutions + 2 BNs per stage; the conformance test holds them to the built networks,
 * and pytorch-counts.test.ts to PyTorch networks written from the papers and to the papers' tables.
 */
function paperCounts(depth: number) {
  const n = (depth - 2) / 6;
  return {
    trainableParams: 97_216 * n - 21_926,
    totalParams: 97_664 * n - 21_894,
    macs: 14_155_776 * n - 1_916_288,
  };
}

// n = 1 is not in the paper's table; it is the smallest member of the family and trains
// on the bundled digits in about a minute.
for (const depth of [8, 20, 32, 44, 56, 110, 1202]) {
  registerCifar(
    { name: `cifar_resnet${depth}`, blocksPerStage: (depth - 2) / 6 },
    'cifar_resnet',
    `ResNet-${depth} for 32×32 images: ${(depth - 2) / 6} basic blocks per stage, widths 16/32/64.`,
    paperCounts(depth),
    {
      ...RESNET_PAPER,
      detail:
        depth === 8 ? '§4.2 family with n = 1 (not in Table 6)' : 'Table 6, option A shortcuts',
    },
  );
}
for (const depth of [8, 20, 32, 44, 56, 110]) {
  registerCifar(
    { name: `cifar_plain${depth}`, blocksPerStage: (depth - 2) / 6, residual: false },
    'cifar_plain',
    `Plain-${depth}: ResNet-${depth}'s layers without shortcuts, for the degradation experiment.`,
    paperCounts(depth),
    {
      ...RESNET_PAPER,
      detail:
        depth === 8
          ? '§4.2 plain family with n = 1 (not in Table 6)'
          : 'Table 6 / Fig. 6, plain nets',
    },
  );
}

registerCifar(
  { name: 'cifar_preact_resnet110', blocksPerStage: 18, preActivation: true },
  'cifar_preact_resnet',
  'Pre-activation ResNet-110: 18 pre-activation basic blocks per stage, option A shortcuts.',
  { trainableParams: 1_727_962, totalParams: 1_736_058, macs: 252_887_680 },
  { ...IDENTITY_MAPPINGS, detail: 'Table 3 (full pre-activation), 1.7 M parameters' },
);
registerCifar(
  {
    name: 'cifar_preact_resnet164',
    blocksPerStage: 18,
    block: 'bottleneck',
    preActivation: true,
    shortcut: 'B',
  },
  'cifar_preact_resnet',
  'Pre-activation ResNet-164: 18 pre-activation bottleneck blocks per stage (outputs 64/128/256).',
  { trainableParams: 1_703_258, totalParams: 1_727_482, macs: 247_646_720 },
  { ...IDENTITY_MAPPINGS, detail: 'Table 4, 1.7 M parameters, projection shortcuts' },
);
registerCifar(
  {
    name: 'cifar_preact_resnet1001',
    blocksPerStage: 111,
    block: 'bottleneck',
    preActivation: true,
    shortcut: 'B',
  },
  'cifar_preact_resnet',
  'Pre-activation ResNet-1001: 111 pre-activation bottleneck blocks per stage.',
  { trainableParams: 10_327_706, totalParams: 10_476_922, macs: 1_490_995_712 },
  { ...IDENTITY_MAPPINGS, detail: 'Table 4, 10.2 M parameters, projection shortcuts' },
);

/** WRN-d-k (Zagoruyko & Komodakis 2016): (d − 4) / 6 pre-activation basic blocks per stage, k× wider. */
function registerWideResNet(
  depth: number,
  widen: number,
  counts: { trainableParams: number; totalParams: number; macs: number },
  published: string,
): void {
  registerCifar(
    {
      name: `wrn${depth}_${widen}`,
      blocksPerStage: (depth - 4) / 6,
      preActivation: true,
      shortcut: 'B',
      widths: [16 * widen, 32 * widen, 64 * widen],
    },
    'wide_resnet',
    `WRN-${depth}-${widen}: ${(depth - 4) / 6} pre-activation basic blocks per stage, widths ${16 * widen}/${32 * widen}/${64 * widen}.`,
    counts,
    { ...WIDE_RESNETS, detail: `Table 1/4, ${published} parameters (no dropout)` },
  );
}

registerWideResNet(
  16,
  4,
  { trainableParams: 2_748_890, totalParams: 2_752_506, macs: 392_612_352 },
  '2.7 M',
);
registerWideResNet(
  16,
  8,
  { trainableParams: 10_961_370, totalParams: 10_968_570, macs: 1_548_145_664 },
  '11.0 M',
);
registerWideResNet(
  28,
  10,
  { trainableParams: 36_479_194, totalParams: 36_497_146, macs: 5_243_328_768 },
  '36.5 M',
);
registerWideResNet(
  40,
  4,
  { trainableParams: 8_949_210, totalParams: 8_959_994, macs: 1_298_582_016 },
  '8.9 M',
);
