import { type CifarResNetOptions, cifarResNet } from './cifar-resnet.js';
import { registerModel } from './registry.js';

const PAPER = {
  title: 'He, Zhang, Ren, Sun 2015: Deep Residual Learning for Image Recognition',
  url: 'https://arxiv.org/abs/1512.03385',
};

/**
 * Trainable parameters of the CIFAR networks with option A shortcuts (and of their plain
 * counterparts, which have the same layers): 97,216·n − 21,926 for 6n + 2 layers.
 */
function cifarParams(depth: number): number {
  return 97_216 * ((depth - 2) / 6) - 21_926;
}

function registerCifar(depth: number, residual: boolean, detail: string): void {
  const name = `${residual ? 'cifar_resnet' : 'cifar_plain'}${depth}`;
  registerModel<CifarResNetOptions>({
    name,
    family: residual ? 'cifar_resnet' : 'cifar_plain',
    description: residual
      ? `ResNet-${depth} for 32×32 images: ${(depth - 2) / 6} basic blocks per stage, widths 16/32/64.`
      : `Plain-${depth}: ResNet-${depth}'s layers without shortcuts, for the degradation experiment.`,
    defaultInputShape: [32, 32, 3],
    defaultNumClasses: 10,
    trainableParams: cifarParams(depth),
    reference: { ...PAPER, detail },
    options: residual ? ['shortcut'] : [],
    build: (options) => cifarResNet({ name, depth, residual }, options),
  });
}

// n = 1 is not in the paper's table; it is the smallest member of the family and trains
// on the bundled digits in about a minute.
registerCifar(8, true, '§4.2 family with n = 1 (not in Table 6)');
for (const depth of [20, 32, 44, 56, 110])
  registerCifar(depth, true, 'Table 6, option A shortcuts');
registerCifar(8, false, '§4.2 plain family with n = 1 (not in Table 6)');
for (const depth of [20, 32, 44, 56, 110])
  registerCifar(depth, false, 'Table 6 / Fig. 6, plain nets');
