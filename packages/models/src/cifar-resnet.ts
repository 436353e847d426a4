import {
  basicBlock,
  bottleneckBlock,
  convBn,
  preActBasicBlock,
  preActBottleneckBlock,
} from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';
import {
  checkChoice,
  type NetworkOptions,
  resolveNetworkOptions,
  SHORTCUT_OPTIONS,
  type ShortcutOption,
} from './model-options.js';
import { finishNetwork, networkActivation } from './network.js';
import { residualStages, stageBlockOptions } from './stages.js';

export interface CifarResNetOptions extends NetworkOptions {
  /** Shortcut where a stage changes shape. Default: the variant's ('A' in the ResNet paper). */
  shortcut?: ShortcutOption;
}

/** One CIFAR network: the ResNet paper's, its plain and pre-activation forms, Wide ResNets. */
export interface CifarResNetSpec {
  /** Registry name, also the model's name. */
  name: string;
  /** Blocks in each of the three stages (n). */
  blocksPerStage: number;
  /** Default 'basic'. A bottleneck block outputs 4× its stage width. */
  block?: 'basic' | 'bottleneck';
  /** Stage widths (planes). Default [16, 32, 64]; WRN-d-k uses [16k, 32k, 64k]. */
  widths?: readonly [number, number, number];
  /** Pre-activation blocks (He et al. 2016) and BN → ReLU after the last. Default false. */
  preActivation?: boolean;
  /** false builds the plain counterpart: the same layers without any shortcut. Default true. */
  residual?: boolean;
  /** Default shortcut. Default 'A'. */
  shortcut?: ShortcutOption;
}

const CIFAR = { inputShape: [32, 32, 3], numClasses: 10 } as const;

/**
 * The ResNet paper's CIFAR-10 networks (He et al. 2015, §4.2) and their relatives: a 3×3 stem
 * with 16 filters, three stages of n blocks at 32², 16² and 8² (widths 16, 32, 64 unless
 * widened), global average pooling and a fully connected layer. Outputs logits.
 */
export function cifarResNet(
  spec: CifarResNetSpec,
  options: CifarResNetOptions = {},
): tf.LayersModel {
  const { name, blocksPerStage } = spec;
  if (!Number.isInteger(blocksPerStage) || blocksPerStage < 1) {
    throw new ModelError(
      `${name}: blocksPerStage must be a positive integer, got ${blocksPerStage}.`,
    );
  }
  const residual = spec.residual ?? true;
  const preActivation = spec.preActivation ?? false;
  const settings = resolveNetworkOptions(name, options, CIFAR);
  const shortcut = checkChoice(
    name,
    'shortcut',
    options.shortcut ?? spec.shortcut ?? 'A',
    SHORTCUT_OPTIONS,
  );
  const { kernelInitializer } = settings;
  const input = tf.input({ shape: [...settings.inputShape], name: 'input' });
  // A pre-activation network's first block normalises the stem's output itself.
  let x = convBn(input, {
    filters: 16,
    kernelSize: 3,
    name: 'stem',
    kernelInitializer,
    norm: preActivation ? 'none' : settings.norm,
    useBias: settings.norm === 'none' && !settings.fixup,
  });
  if (!preActivation) x = networkActivation(x, 'stem_relu', settings);

  const widths = spec.widths ?? [16, 32, 64];
  const depths = widths.map(() => blocksPerStage);
  const stages = residualStages(
    x,
    depths,
    settings,
    (x, at) => {
      const options = stageBlockOptions(settings, at, widths[at.stage], residual, shortcut);
      if (!preActivation) {
        return spec.block === 'bottleneck' ? bottleneckBlock(x, options) : basicBlock(x, options);
      }
      // He et al. 2016 (§4.1): the first block activates the stem's output before splitting.
      const preActOptions = { ...options, preActivatedShortcut: at.index === 0 };
      return spec.block === 'bottleneck'
        ? preActBottleneckBlock(x, preActOptions)
        : preActBasicBlock(x, preActOptions);
    },
    { preActivation },
  );
  return finishNetwork(input, stages, settings);
}
