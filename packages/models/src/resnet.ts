import { basicBlock, bottleneckBlock, convBn, type ResidualBlockOptions } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';
import {
  checkChoice,
  checkDepths,
  type NetworkOptions,
  type NetworkSettings,
  resolveNetworkOptions,
  SHORTCUT_OPTIONS,
  type ShortcutOption,
} from './model-options.js';
import { finishNetwork, networkActivation, stemPool } from './network.js';
import { residualStages, stageBlockOptions } from './stages.js';

export interface ResNetOptions extends NetworkOptions {
  /** Shortcut where a stage changes shape. Default: the variant's ('B' in torchvision). */
  shortcut?: ShortcutOption;
  /**
   * torchvision's `replace_stride_with_dilation`: for stages 2, 3 and 4, keep the resolution
   * and dilate the 3×3 convolutions instead of striding (bottleneck blocks only).
   * `[false, true, true]` gives output stride 8, the backbone of FCN and DeepLabv3.
   * Default `[false, false, false]`.
   */
  replaceStrideWithDilation?: readonly boolean[];
}

/** One ImageNet ResNet variant, as torchvision's and timm's `ResNet` classes take it. */
export interface ResNetSpec {
  /** Registry name, also the model's name. */
  name: string;
  block: 'basic' | 'bottleneck';
  /** Blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50. */
  depths: readonly number[];
  /** Groups of every 3×3 convolution in a bottleneck (ResNeXt cardinality). Default 1. */
  groups?: number;
  /** Bottleneck width per group at the first stage (64 for ResNet, 128 for Wide ResNet-50-2). */
  widthPerGroup?: number;
  /** 'standard': one 7×7 conv; 'deep': three 3×3 convs (ResNet-C, timm's `deep` stem). */
  stem?: 'standard' | 'deep';
  /** Default shortcut where the shape changes. Default 'B'. */
  shortcut?: ShortcutOption;
  /** Squeeze-and-excitation in every block (SE-ResNet). Default false. */
  squeezeExcitation?: boolean;
  /** false builds the plain counterpart (no shortcuts). Default true. */
  residual?: boolean;
}

const IMAGENET = { inputShape: [224, 224, 3], numClasses: 1000 } as const;

/**
 * The ImageNet ResNet of He et al. 2015 in torchvision's layout: a 7×7/2 stem and 3×3/2 max
 * pool, four stages of 64·2^i planes at strides 4, 8, 16, 32 (the stride on each stage's first
 * 3×3), global average pooling and a fully connected layer. Outputs logits.
 */
export function resNet(spec: ResNetSpec, options: ResNetOptions = {}): tf.LayersModel {
  const { name } = spec;
  checkDepths(name, spec.depths);
  const residual = spec.residual ?? true;
  const settings = resolveNetworkOptions(name, options, IMAGENET);
  const shortcut = checkChoice(
    name,
    'shortcut',
    options.shortcut ?? spec.shortcut ?? 'B',
    SHORTCUT_OPTIONS,
  );
  const groups = spec.groups ?? 1;
  const widthPerGroup = spec.widthPerGroup ?? 64;
  const dilations = stageDilations(spec, options.replaceStrideWithDilation);
  const input = tf.input({ shape: [...settings.inputShape], name: 'input' });
  const x = stem(input, spec.stem ?? 'standard', settings);

  const stages = residualStages(x, spec.depths, settings, (x, at) => {
    const planes = 64 * 2 ** at.stage;
    const dilation = dilations[at.stage];
    const options: ResidualBlockOptions = {
      ...stageBlockOptions(settings, at, planes, residual, shortcut),
      squeezeExcitation: spec.squeezeExcitation,
      ...(dilation === undefined ? {} : { strides: 1 }),
    };
    return spec.block === 'basic'
      ? basicBlock(x, options)
      : bottleneckBlock(x, {
          ...options,
          // The first block of a dilated stage keeps the previous stage's dilation, as
          // torchvision's `_make_layer` passes `previous_dilation` to it.
          dilation: at.block === 0 ? dilation?.first : dilation?.rest,
          // torchvision: width = planes · (width_per_group / 64) · groups
          width: Math.floor((planes * widthPerGroup) / 64) * groups,
          groups,
        });
  });
  return finishNetwork(input, stages, settings);
}

/**
 * Per stage, the dilation of its first and other blocks where strides are replaced by
 * dilation (undefined: a normal stage), following torchvision's `ResNet._make_layer`: each
 * replaced stride doubles the dilation from then on.
 */
function stageDilations(
  spec: ResNetSpec,
  replace: readonly boolean[] | undefined,
): ({ first: number; rest: number } | undefined)[] {
  if (replace === undefined) return [];
  const stagesAfterFirst = spec.depths.length - 1;
  if (
    !Array.isArray(replace) ||
    replace.length !== stagesAfterFirst ||
    replace.some((r) => typeof r !== 'boolean')
  ) {
    throw new ModelError(
      `${spec.name}: replaceStrideWithDilation must list ${stagesAfterFirst} booleans (stages 2 to ${stagesAfterFirst + 1}), got ${JSON.stringify(replace)}.`,
    );
  }
  if (spec.block === 'basic' && replace.some(Boolean)) {
    throw new ModelError(
      `${spec.name}: replaceStrideWithDilation needs bottleneck blocks; basic blocks have no dilated form (torchvision refuses it too).`,
    );
  }
  // torchvision would then stride a dilated convolution, which tfjs cannot run.
  if (replace.some((dilate, i) => !dilate && replace.slice(0, i).some(Boolean))) {
    throw new ModelError(
      `${spec.name}: replaceStrideWithDilation ${JSON.stringify(replace)}: a stage after a dilated one must be dilated too.`,
    );
  }
  let dilation = 1;
  return [
    undefined,
    ...replace.map((dilate) => {
      if (!dilate) return undefined;
      const first = dilation;
      dilation *= 2;
      return { first, rest: dilation };
    }),
  ];
}

function stem(
  input: tf.SymbolicTensor,
  kind: 'standard' | 'deep',
  settings: NetworkSettings,
): tf.SymbolicTensor {
  const unit = {
    kernelInitializer: settings.kernelInitializer,
    norm: settings.norm,
    useBias: settings.norm === 'none' && !settings.fixup,
  };
  let x = input;
  if (kind === 'standard') {
    x = convBn(x, { ...unit, filters: 64, kernelSize: 7, strides: 2, name: 'stem' });
    x = networkActivation(x, 'stem_relu', settings);
  } else {
    // ResNet-C (He et al. 2019, Bag of Tricks §4.2): three 3×3 convs of 32, 32, 64 channels.
    [32, 32, 64].forEach((filters, i) => {
      x = convBn(x, {
        ...unit,
        filters,
        kernelSize: 3,
        strides: i === 0 ? 2 : 1,
        name: `stem_${i + 1}`,
      });
      x = networkActivation(x, `stem_${i + 1}_relu`, settings);
    });
  }
  return stemPool(x);
}
