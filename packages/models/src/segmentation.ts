import { heNormalInitializers } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { fpnDecoder } from './fpn-decoder.js';
import { ModelError } from './model-error.js';
import {
  type CommonModelOptions,
  checkChoice,
  checkInputShape,
  checkNumClasses,
  type ModelOptions,
  RESIDUAL_OPTION_NAMES,
  type ResidualOptions,
  type ShortcutOption,
} from './model-options.js';
import { createModel, listModels } from './registry.js';
import { deepLabHead, fcnHead, type HeadSettings, resizeLike } from './segmentation-heads.js';
import { unetDecoder } from './unet-decoder.js';

/**
 * The segmentation heads: torchvision's FCN and DeepLabv3 (on a dilated encoder, output stride
 * 8) and segmentation_models_pytorch's U-Net and FPN (on the encoder's strides 2 to 32).
 */
export type SegmentationHead = 'fcn' | 'deeplabv3' | 'unet' | 'fpn';
export const SEGMENTATION_HEADS: readonly SegmentationHead[] = ['fcn', 'deeplabv3', 'unet', 'fpn'];

export interface SegmentationOptions extends CommonModelOptions, ResidualOptions {
  /** The encoder's shortcut where a stage changes shape. Default: the encoder's. */
  shortcut?: ShortcutOption;
  /**
   * FCN and DeepLabv3: also output the auxiliary FCN head's logits on stage 3, second
   * (torchvision's `aux_loss=True`, what its published weights include). Default true.
   */
  aux?: boolean;
}

/** Classes of Pascal VOC (20 and the background), torchvision's segmentation default. */
export const SEGMENTATION_NUM_CLASSES = 21;

/** Input size of an entry: torchvision's evaluation size; a multiple of 32 for U-Net and FPN. */
export function segmentationInputShape(head: SegmentationHead): [number, number, number] {
  return head === 'fcn' || head === 'deeplabv3' ? [520, 520, 3] : [512, 512, 3];
}

/** The option names of a head's registry entries, beyond inputShape, numClasses and seed. */
export function segmentationOptionNames(head: SegmentationHead): string[] {
  const names: string[] = [...RESIDUAL_OPTION_NAMES, 'shortcut'];
  return head === 'fcn' || head === 'deeplabv3' ? [...names, 'aux'] : names;
}

/**
 * The registry entries that can serve as encoders: the ImageNet-layout ResNets (the ones that
 * take `replaceStrideWithDilation`). FCN and DeepLabv3 need bottleneck blocks.
 */
export function segmentationEncoders(): string[] {
  return listModels()
    .filter((entry) => entry.options.includes('replaceStrideWithDilation'))
    .map((entry) => entry.name);
}

/**
 * A semantic segmentation network: `head` on the registered ResNet `encoder`, named
 * `${head}_${encoder}` (`deeplabv3_resnet50`). The encoder takes its residual options (zero-γ,
 * drop-path, Fixup, shortcut…) and keeps its layer names (`stem_conv`, `stage3_block2_2_conv`),
 * so its ImageNet weights map onto it. Input [batch, height, width, channels]; output logits
 * [batch, height, width, classes] at the input's size (any size for FCN and DeepLabv3, multiples
 * of 32 for U-Net and FPN), and for FCN and DeepLabv3 with `aux` the auxiliary logits second.
 * @throws ModelError for an unknown head, encoder, option or option value.
 */
export function createSegmentationModel(
  head: SegmentationHead,
  encoder: string,
  options: SegmentationOptions = {},
): tf.LayersModel {
  const name = `${head}_${encoder}`;
  checkChoice(name, 'head', head, SEGMENTATION_HEADS);
  const accepted = ['inputShape', 'numClasses', 'seed', ...segmentationOptionNames(head)];
  for (const key of Object.keys(options)) {
    if (!accepted.includes(key)) {
      throw new ModelError(`${name}: unknown option "${key}". Accepted: ${accepted.join(', ')}.`);
    }
  }
  const encoders = segmentationEncoders();
  if (!encoders.includes(encoder)) {
    throw new ModelError(`${name}: unknown encoder "${encoder}". Known: ${encoders.join(', ')}.`);
  }
  const inputShape = checkInputShape(name, options.inputShape ?? segmentationInputShape(head));
  const classes = checkNumClasses(name, options.numClasses ?? SEGMENTATION_NUM_CLASSES);
  const dilated = head === 'fcn' || head === 'deeplabv3';
  if (!dilated && (inputShape[0] % 32 !== 0 || inputShape[1] % 32 !== 0)) {
    throw new ModelError(
      `${name}: inputShape height and width must be multiples of 32 (the encoder's stride), got [${inputShape}].`,
    );
  }

  const backboneOptions: ModelOptions = { features: true, inputShape };
  for (const key of [...RESIDUAL_OPTION_NAMES, 'shortcut', 'seed'] as const) {
    if (options[key] !== undefined) Object.assign(backboneOptions, { [key]: options[key] });
  }
  if (dilated) backboneOptions.replaceStrideWithDilation = [false, true, true];
  const backbone = createModel(encoder, backboneOptions);
  const input = backbone.inputs[0] as tf.SymbolicTensor;
  const stages = backbone.outputs as tf.SymbolicTensor[];
  const settings: HeadSettings = {
    kernelInitializer: heNormalInitializers(options.seed),
    seed: options.seed,
  };

  let outputs: tf.SymbolicTensor[];
  if (dilated) {
    const last = stages[3] as tf.SymbolicTensor;
    const logits =
      head === 'fcn'
        ? fcnHead(last, 'head', classes, settings)
        : deepLabHead(last, classes, settings);
    outputs = [resizeLike(logits, input, 'logits')];
    if (options.aux ?? true) {
      const aux = fcnHead(stages[2] as tf.SymbolicTensor, 'aux', classes, settings);
      outputs.push(resizeLike(aux, input, 'aux_logits'));
    }
  } else if (head === 'unet') {
    // The stem's ReLU (stride 2) is the input of the max pool's padding.
    const stem = backbone.getLayer('stem_pool_pad').input as tf.SymbolicTensor;
    outputs = [unetDecoder([stem, ...stages], classes, settings)];
  } else {
    outputs = [fpnDecoder(stages, classes, settings)];
  }
  return tf.model({ inputs: input, outputs: outputs.length === 1 ? outputs[0]! : outputs, name });
}
