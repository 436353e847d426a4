import { HEAD_OPTION_NAMES, RESIDUAL_OPTION_NAMES } from './model-options.js';
import { registerVariants } from './register-variants.js';
import type { ModelReference } from './registry.js';
import { type ResNetOptions, type ResNetSpec, resNet } from './resnet.js';

const RESNET_PAPER = 'He, Zhang, Ren, Sun 2015: Deep Residual Learning for Image Recognition';
const RESNEXT = 'Xie et al. 2017: Aggregated Residual Transformations for Deep Neural Networks';
const WIDE = 'Zagoruyko & Komodakis 2016: Wide Residual Networks';

function torchvision(model: string, paper: string): ModelReference {
  return {
    title: `torchvision ${model} (${paper})`,
    url: `https://pytorch.org/vision/stable/models/generated/torchvision.models.${model}.html`,
    detail: 'same layout and parameter count as torchvision',
  };
}

function timm(model: string, paper: string, url: string, published: string): ModelReference {
  return {
    title: `timm ${model} (${paper})`,
    url,
    detail: `timm's layout and parameter count (${published})`,
  };
}

const plainPaper = (detail: string): ModelReference => ({
  title: RESNET_PAPER,
  url: 'https://arxiv.org/abs/1512.03385',
  detail,
});

const IMAGENET = { inputShape: [224, 224, 3], numClasses: 1000 } as const;

// Counts: trainable and total parameters, MACs at 224×224 (torchvision's and timm's).
registerVariants<ResNetSpec, ResNetOptions>(
  {
    defaults: () => IMAGENET,
    options: (spec) =>
      spec.residual === false
        ? [...HEAD_OPTION_NAMES]
        : [...HEAD_OPTION_NAMES, ...RESIDUAL_OPTION_NAMES, 'shortcut', 'replaceStrideWithDilation'],
    build: resNet,
  },
  [
    {
      family: 'resnet',
      spec: { name: 'resnet18', block: 'basic', depths: [2, 2, 2, 2] },
      description: 'ResNet-18: basic blocks [2, 2, 2, 2], ImageNet layout.',
      counts: [11_689_512, 11_699_112, 1_814_073_344],
      reference: torchvision('resnet18', RESNET_PAPER),
    },
    {
      family: 'resnet',
      spec: { name: 'resnet34', block: 'basic', depths: [3, 4, 6, 3] },
      description: 'ResNet-34: basic blocks [3, 4, 6, 3].',
      counts: [21_797_672, 21_814_696, 3_663_761_408],
      reference: torchvision('resnet34', RESNET_PAPER),
    },
    {
      family: 'resnet',
      spec: { name: 'resnet50', block: 'bottleneck', depths: [3, 4, 6, 3] },
      description: 'ResNet-50: bottleneck blocks [3, 4, 6, 3], stride on the 3×3 (v1.5).',
      counts: [25_557_032, 25_610_152, 4_089_184_256],
      reference: torchvision('resnet50', RESNET_PAPER),
    },
    {
      family: 'resnet',
      spec: { name: 'resnet101', block: 'bottleneck', depths: [3, 4, 23, 3] },
      description: 'ResNet-101: bottleneck blocks [3, 4, 23, 3].',
      counts: [44_549_160, 44_654_504, 7_801_405_440],
      reference: torchvision('resnet101', RESNET_PAPER),
    },
    {
      family: 'resnet',
      spec: { name: 'resnet152', block: 'bottleneck', depths: [3, 8, 36, 3] },
      description: 'ResNet-152: bottleneck blocks [3, 8, 36, 3].',
      counts: [60_192_808, 60_344_232, 11_513_626_624],
      reference: torchvision('resnet152', RESNET_PAPER),
    },
    {
      family: 'resnext',
      spec: {
        name: 'resnext50_32x4d',
        block: 'bottleneck',
        depths: [3, 4, 6, 3],
        groups: 32,
        widthPerGroup: 4,
      },
      description: 'ResNeXt-50 32×4d: cardinality 32, 4 channels per group at the first stage.',
      counts: [25_028_904, 25_097_128, 4_230_479_872],
      reference: torchvision('resnext50_32x4d', RESNEXT),
    },
    {
      family: 'resnext',
      spec: {
        name: 'resnext101_32x8d',
        block: 'bottleneck',
        depths: [3, 4, 23, 3],
        groups: 32,
        widthPerGroup: 8,
      },
      description: 'ResNeXt-101 32×8d.',
      counts: [88_791_336, 88_994_216, 16_414_015_488],
      reference: torchvision('resnext101_32x8d', RESNEXT),
    },
    {
      family: 'resnext',
      spec: {
        name: 'resnext101_64x4d',
        block: 'bottleneck',
        depths: [3, 4, 23, 3],
        groups: 64,
        widthPerGroup: 4,
      },
      description: 'ResNeXt-101 64×4d.',
      counts: [83_455_272, 83_658_152, 15_460_270_080],
      reference: torchvision('resnext101_64x4d', RESNEXT),
    },
    {
      family: 'wide_resnet',
      spec: {
        name: 'wide_resnet50_2',
        block: 'bottleneck',
        depths: [3, 4, 6, 3],
        widthPerGroup: 128,
      },
      description: 'Wide ResNet-50-2: ResNet-50 with bottlenecks twice as wide.',
      counts: [68_883_240, 68_951_464, 11_398_021_120],
      reference: torchvision('wide_resnet50_2', WIDE),
    },
    {
      family: 'wide_resnet',
      spec: {
        name: 'wide_resnet101_2',
        block: 'bottleneck',
        depths: [3, 4, 23, 3],
        widthPerGroup: 128,
      },
      description: 'Wide ResNet-101-2.',
      counts: [126_886_696, 127_024_552, 22_753_050_624],
      reference: torchvision('wide_resnet101_2', WIDE),
    },
    {
      family: 'resnet',
      spec: {
        name: 'resnet50d',
        block: 'bottleneck',
        depths: [3, 4, 6, 3],
        stem: 'deep',
        shortcut: 'D',
      },
      description:
        'ResNet-50-D: deep 3×3 stem (ResNet-C) and average-pool-then-project shortcuts (ResNet-D).',
      counts: [25_576_264, 25_629_512, 4_328_824_832],
      reference: timm(
        'resnet50d',
        'He et al. 2019: Bag of Tricks for Image Classification',
        'https://arxiv.org/abs/1812.01187',
        '25.58 M',
      ),
    },
    {
      family: 'resnet',
      spec: {
        name: 'seresnet50',
        block: 'bottleneck',
        depths: [3, 4, 6, 3],
        squeezeExcitation: true,
      },
      description:
        'SE-ResNet-50: ResNet-50 with squeeze-and-excitation (ratio 1/16) in every block.',
      counts: [28_088_024, 28_141_144, 4_091_699_200],
      reference: timm(
        'seresnet50',
        'Hu et al. 2018: Squeeze-and-Excitation Networks',
        'https://arxiv.org/abs/1709.01507',
        '28.09 M',
      ),
    },
    {
      family: 'plain',
      spec: { name: 'plain18', block: 'basic', depths: [2, 2, 2, 2], residual: false },
      description:
        "Plain-18: ResNet-18's layers without shortcuts, for the degradation experiment.",
      counts: [11_515_688, 11_523_496, 1_794_805_760],
      reference: plainPaper('Table 2 / Fig. 4, plain-18'),
    },
    {
      family: 'plain',
      spec: { name: 'plain34', block: 'basic', depths: [3, 4, 6, 3], residual: false },
      description: "Plain-34: ResNet-34's layers without shortcuts.",
      counts: [21_623_848, 21_639_080, 3_644_493_824],
      reference: plainPaper('Table 2 / Fig. 4, plain-34'),
    },
  ],
);
