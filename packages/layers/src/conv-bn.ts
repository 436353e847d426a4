import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from './batch-normalization.js';
import { GroupedConv2D } from './grouped-conv2d.js';
import type { KernelInitializerFactory } from './initializers.js';
import { LayerError } from './layer-error.js';

/** Batch-norm settings of torchvision's ResNets (PyTorch momentum 0.1 is Keras momentum 0.9). */
export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

/** `batch`: every convolution is followed by batch norm. `none`: no normalisation at all. */
export type Normalization = 'batch' | 'none';
export const NORMALIZATIONS: readonly Normalization[] = ['batch', 'none'];

export interface ConvOptions {
  filters: number;
  kernelSize: number;
  /** Default 1. */
  strides?: number;
  /**
   * Dilation (atrous rate) of the kernel: taps `dilation` pixels apart, padded by
   * `dilation · ⌊k/2⌋` so a stride-1 convolution keeps the size, as PyTorch's
   * `padding=dilation` does (torchvision's dilated ResNets, DeepLab's ASPP). Default 1.
   */
  dilation?: number;
  /** Grouped convolution (ResNeXt's cardinality). Default 1, a standard `Conv2D`. */
  groups?: number;
  /** Default false: a normalisation that follows makes a bias redundant. */
  useBias?: boolean;
  /** Layer name prefix: makes `<name>_conv` (and `<name>_pad` when padding explicitly). */
  name: string;
  kernelInitializer: KernelInitializerFactory;
  /** Multiplies the initial weights' standard deviation (Fixup); 0 starts at zero. Default 1. */
  gain?: number;
}

/**
 * A convolution padded as PyTorch pads it: ⌊k/2⌋ on every side. TensorFlow's 'same' padding
 * puts the extra row and column of a strided convolution on the bottom and right only, which
 * shifts every window of torchvision's network by one pixel; strided convolutions therefore
 * pad explicitly with ZeroPadding2D, as Keras applications do.
 */
export function conv(x: tf.SymbolicTensor, options: ConvOptions): tf.SymbolicTensor {
  const { filters, kernelSize, name, kernelInitializer } = options;
  const strides = options.strides ?? 1;
  const groups = options.groups ?? 1;
  const dilation = options.dilation ?? 1;
  const convName = `${name}_conv`;
  if (dilation !== 1) checkDilation(name, dilation, strides, groups);
  let input = x;
  let padding: 'same' | 'valid' = 'same';
  if (strides > 1 && kernelSize > 1) {
    const pad = Math.floor(kernelSize / 2);
    input = tf.layers
      .zeroPadding2d({ padding: [pad, pad], name: `${name}_pad` })
      .apply(x) as tf.SymbolicTensor;
    padding = 'valid';
  }
  const common = {
    filters,
    kernelSize,
    strides,
    padding,
    useBias: options.useBias ?? false,
    kernelInitializer: kernelInitializer(convName, options.gain),
    name: convName,
    ...(dilation === 1 ? {} : { dilationRate: dilation }),
  };
  const layer = groups === 1 ? tf.layers.conv2d(common) : new GroupedConv2D({ ...common, groups });
  return layer.apply(input) as tf.SymbolicTensor;
}

/** tfjs dilates only stride-1, ungrouped convolutions (and torchvision never asks for more). */
function checkDilation(name: string, dilation: number, strides: number, groups: number): void {
  if (!Number.isInteger(dilation) || dilation < 1) {
    throw new LayerError(`${name}: dilation must be a positive integer, got ${dilation}.`);
  }
  if (strides !== 1 || groups !== 1) {
    throw new LayerError(
      `${name}: a dilated convolution (dilation ${dilation}) needs stride 1 and groups 1, got stride ${strides} and groups ${groups}.`,
    );
  }
}

export interface ConvBnOptions extends ConvOptions {
  /** `none` leaves the batch norm out. Default 'batch'. */
  norm?: Normalization;
  /**
   * Start the batch norm's γ at zero, so the unit outputs β (= 0) until γ learns: the
   * "zero-init residual" trick (Goyal et al. 2017) for the last unit of a residual branch.
   * Default false.
   */
  zeroGamma?: boolean;
}

/** A convolution followed by batch normalisation, the unit every ResNet is built of. */
export function convBn(x: tf.SymbolicTensor, options: ConvBnOptions): tf.SymbolicTensor {
  const y = conv(x, options);
  if ((options.norm ?? 'batch') === 'none') return y;
  return batchNorm(y, `${options.name}_bn`, options.zeroGamma);
}

export function batchNorm(
  x: tf.SymbolicTensor,
  name: string,
  zeroGamma = false,
): tf.SymbolicTensor {
  return new BatchNormalization({
    momentum: BATCH_NORM_MOMENTUM,
    epsilon: BATCH_NORM_EPSILON,
    name,
    ...(zeroGamma ? { gammaInitializer: 'zeros' } : {}),
  }).apply(x) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
}
