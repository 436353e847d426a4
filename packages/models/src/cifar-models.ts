import { type CifarResNetOptions, type CifarResNetSpec, cifarResNet } from './cifar-resnet.js';
import { HEAD_OPTION_NAMES, RESIDUAL_OPTION_NAMES } from './model-options.js';
import {
  type GenericNetwork,
  registerVariants,
  type Variant,
  type VariantCounts,
} from './register-variants.js';

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

const CIFAR = { inputShape: [32, 32, 3], numClasses: 10 } as const;

/** Every CIFAR family is one generic network (cifarResNet) over its spec. */
const CIFAR_NETWORK: GenericNetwork<CifarResNetSpec, CifarResNetOptions> = {
  defaults: () => CIFAR,
  options: (spec) =>
    spec.residual === false
      ? [...HEAD_OPTION_NAMES]
      : [...HEAD_OPTION_NAMES, ...RESIDUAL_OPTION_NAMES, 'shortcut'],
  build: cifarResNet,
};

/**
 * Counts of the ResNet paper's CIFAR networks with option A shortcuts (and of their plain
 * counterparts, which have the same layers) for 6n + 2 layers, in closed form: each block adds
 * 2 3×3 convolutions + 2 BNs per stage; the conformance test holds them to the built networks,
 * and pytorch-counts.test.ts to PyTorch networks written from the papers and to the papers' tables.
 */
function paperCounts(depth: number): VariantCounts {
  const n = (depth - 2) / 6;
  return [97_216 * n - 21_926, 97_664 * n - 21_894, 14_155_776 * n - 1_916_288];
}

// n = 1 is not in the paper's table; it is the smallest member of the family and trains
// on the bundled digits in about a minute.
registerVariants(
  CIFAR_NETWORK,
  [8, 20, 32, 44, 56, 110, 1202].map((depth) => ({
    family: 'cifar_resnet',
    spec: { name: `cifar_resnet${depth}`, blocksPerStage: (depth - 2) / 6 },
    description: `ResNet-${depth} for 32×32 images: ${(depth - 2) / 6} basic blocks per stage, widths 16/32/64.`,
    counts: paperCounts(depth),
    reference: {
      ...RESNET_PAPER,
      detail:
        depth === 8 ? '§4.2 family with n = 1 (not in Table 6)' : 'Table 6, option A shortcuts',
    },
  })),
);
registerVariants(
  CIFAR_NETWORK,
  [8, 20, 32, 44, 56, 110].map((depth) => ({
    family: 'cifar_plain',
    spec: { name: `cifar_plain${depth}`, blocksPerStage: (depth - 2) / 6, residual: false },
    description: `Plain-${depth}: ResNet-${depth}'s layers without shortcuts, for the degradation experiment.`,
    counts: paperCounts(depth),
    reference: {
      ...RESNET_PAPER,
      detail:
        depth === 8
          ? '§4.2 plain family with n = 1 (not in Table 6)'
          : 'Table 6 / Fig. 6, plain nets',
    },
  })),
);

registerVariants(CIFAR_NETWORK, [
  {
    family: 'cifar_preact_resnet',
    spec: { name: 'cifar_preact_resnet110', blocksPerStage: 18, preActivation: true },
    description:
      'Pre-activation ResNet-110: 18 pre-activation basic blocks per stage, option A shortcuts.',
    counts: [1_727_962, 1_736_058, 252_887_680],
    reference: { ...IDENTITY_MAPPINGS, detail: 'Table 3 (full pre-activation), 1.7 M parameters' },
  },
  {
    family: 'cifar_preact_resnet',
    spec: {
      name: 'cifar_preact_resnet164',
      blocksPerStage: 18,
      block: 'bottleneck',
      preActivation: true,
      shortcut: 'B',
    },
    description:
      'Pre-activation ResNet-164: 18 pre-activation bottleneck blocks per stage (outputs 64/128/256).',
    counts: [1_703_258, 1_727_482, 247_646_720],
    reference: { ...IDENTITY_MAPPINGS, detail: 'Table 4, 1.7 M parameters, projection shortcuts' },
  },
  {
    family: 'cifar_preact_resnet',
    spec: {
      name: 'cifar_preact_resnet1001',
      blocksPerStage: 111,
      block: 'bottleneck',
      preActivation: true,
      shortcut: 'B',
    },
    description: 'Pre-activation ResNet-1001: 111 pre-activation bottleneck blocks per stage.',
    counts: [10_327_706, 10_476_922, 1_490_995_712],
    reference: { ...IDENTITY_MAPPINGS, detail: 'Table 4, 10.2 M parameters, projection shortcuts' },
  },
]);

/** WRN-d-k (Zagoruyko & Komodakis 2016): (d − 4) / 6 pre-activation basic blocks per stage, k× wider. */
function wideResNet(
  depth: number,
  widen: number,
  counts: VariantCounts,
  published: string,
): Variant<CifarResNetSpec> {
  const widths = [16 * widen, 32 * widen, 64 * widen] as const;
  return {
    family: 'wide_resnet',
    spec: {
      name: `wrn${depth}_${widen}`,
      blocksPerStage: (depth - 4) / 6,
      preActivation: true,
      shortcut: 'B',
      widths,
    },
    description: `WRN-${depth}-${widen}: ${(depth - 4) / 6} pre-activation basic blocks per stage, widths ${widths.join('/')}.`,
    counts,
    reference: { ...WIDE_RESNETS, detail: `Table 1/4, ${published} parameters (no dropout)` },
  };
}

registerVariants(CIFAR_NETWORK, [
  wideResNet(16, 4, [2_748_890, 2_752_506, 392_612_352], '2.7 M'),
  wideResNet(16, 8, [10_961_370, 10_968_570, 1_548_145_664], '11.0 M'),
  wideResNet(28, 10, [36_479_194, 36_497_146, 5_243_328_768], '36.5 M'),
  wideResNet(40, 4, [8_949_210, 8_959_994, 1_298_582_016], '8.9 M'),
]);
