import * as tf from '@tensorflow/tfjs';
import { conv, convBn, type Normalization } from './conv-bn.js';
import type { KernelInitializerFactory } from './initializers.js';
import { LayerError } from './layer-error.js';

/**
 * How a residual block carries its input to the addition when the shape changes:
 * - `identity`: the input itself (only when shapes already match);
 * - `projection`: a strided 1×1 convolution + batch norm ("option B" of the ResNet paper);
 * - `zero-pad`: subsample by the stride and pad the new channels with zeros, no parameters
 *   ("option A", He et al. 2015, §4.2);
 * - `avg-down`: average-pool by the stride, then a 1×1 convolution + batch norm, so no input
 *   pixel is skipped ("ResNet-D", He et al. 2019, Bag of Tricks §4.1).
 */
export type ShortcutKind = 'identity' | 'projection' | 'zero-pad' | 'avg-down';

export const SHORTCUT_KINDS: readonly ShortcutKind[] = [
  'identity',
  'projection',
  'zero-pad',
  'avg-down',
];

export interface ShortcutOptions {
  kind: ShortcutKind;
  /** Channels the block outputs. */
  filters: number;
  strides: number;
  /** Layer name prefix: `<name>_conv`, `<name>_bn`, `<name>_subsample`, … */
  name: string;
  kernelInitializer: KernelInitializerFactory;
  /**
   * `none` leaves out the projection's batch norm: pre-activation blocks and networks without
   * normalisation. Default 'batch'.
   */
  norm?: Normalization;
  /** A bias on the projection (Keras' pre-activation ResNets have one). Default false. */
  useBias?: boolean;
}

/** The shortcut branch of a residual block, built from standard Keras layers only. */
export function shortcut(x: tf.SymbolicTensor, options: ShortcutOptions): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const { kind, filters, strides, name } = options;
  if (!SHORTCUT_KINDS.includes(kind)) {
    throw new LayerError(
      `${name}: shortcut must be one of ${SHORTCUT_KINDS.join(', ')}, got '${kind}'.`,
    );
  }
  if (kind === 'identity') {
    if (strides !== 1 || inChannels !== filters) {
      throw new LayerError(
        `${name}: an identity shortcut needs stride 1 and equal channels, got stride ${strides} ` +
          `and ${inChannels} -> ${filters} channels; use 'projection', 'zero-pad' or 'avg-down'.`,
      );
    }
    return x;
  }
  if (kind === 'zero-pad') return zeroPadShortcut(x, inChannels, filters, strides, name);
  let y = x;
  if (kind === 'avg-down' && strides > 1) {
    // 'same' padding averages a partial window at an odd edge over the pixels it has, as
    // timm's AvgPool2d(ceil_mode=True, count_include_pad=False) does.
    y = tf.layers
      .averagePooling2d({ poolSize: strides, strides, padding: 'same', name: `${name}_pool` })
      .apply(y) as tf.SymbolicTensor;
  }
  const projection = {
    ...options,
    kernelSize: 1,
    strides: kind === 'avg-down' ? 1 : strides,
  };
  return options.norm === 'none' ? conv(y, projection) : convBn(y, projection);
}

function zeroPadShortcut(
  x: tf.SymbolicTensor,
  inChannels: number,
  filters: number,
  strides: number,
  name: string,
): tf.SymbolicTensor {
  if (filters < inChannels) {
    throw new LayerError(
      `${name}: a zero-pad shortcut cannot reduce ${inChannels} channels to ${filters}.`,
    );
  }
  let y = x;
  if (strides > 1) {
    // A 1×1 pool with stride s keeps every s-th pixel: x[:, ::s, ::s, :].
    y = tf.layers
      .maxPooling2d({ poolSize: 1, strides, padding: 'valid', name: `${name}_subsample` })
      .apply(y) as tf.SymbolicTensor;
  }
  const extra = filters - inChannels;
  if (extra === 0) return y;
  // Keras has no channel padding layer; swapping channels into a spatial axis lets
  // ZeroPadding2D do it, so the model stays made of standard layers (and converts to Keras).
  const before = Math.floor(extra / 2);
  y = tf.layers
    .permute({ dims: [1, 3, 2], name: `${name}_to_channels_major` })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .zeroPadding2d({
      padding: [
        [0, 0],
        [before, extra - before],
      ],
      name: `${name}_pad`,
    })
    .apply(y) as tf.SymbolicTensor;
  return tf.layers
    .permute({ dims: [1, 3, 2], name: `${name}_to_channels_last` })
    .apply(y) as tf.SymbolicTensor;
}
