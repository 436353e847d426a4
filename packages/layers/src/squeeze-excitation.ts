import * as tf from '@tensorflow/tfjs';
import type { KernelInitializerFactory } from './initializers.js';

export interface SqueezeExcitationOptions {
  /** Layer name prefix: `<name>_squeeze`, `<name>_reduce_conv`, …, `<name>_scale`. */
  name: string;
  kernelInitializer: KernelInitializerFactory;
  /** Bottleneck ratio of the gate. Default 1/16 (Hu et al. 2018, r = 16). */
  ratio?: number;
}

/**
 * Squeeze-and-excitation (Hu et al. 2018): global average pooling "squeezes" each channel to
 * one number, two 1×1 convolutions (C → C·ratio → C) with a sigmoid "excite" a gate per
 * channel, and the input is rescaled by it. The reduced width is C·ratio rounded to a
 * multiple of 8, at least 8, as timm's `SEModule` does (so `seresnet50` matches timm's count).
 * Built from standard Keras layers only.
 */
export function squeezeExcitation(
  x: tf.SymbolicTensor,
  options: SqueezeExcitationOptions,
): tf.SymbolicTensor {
  const { name, kernelInitializer } = options;
  const channels = x.shape[x.shape.length - 1] as number;
  const reduced = squeezeChannels(channels, options.ratio ?? 1 / 16);
  let gate = tf.layers
    .globalAveragePooling2d({ name: `${name}_squeeze` })
    .apply(x) as tf.SymbolicTensor;
  gate = tf.layers
    .reshape({ targetShape: [1, 1, channels], name: `${name}_squeeze_reshape` })
    .apply(gate) as tf.SymbolicTensor;
  for (const [step, units, activation] of [
    ['reduce', reduced, 'relu'],
    ['expand', channels, 'sigmoid'],
  ] as const) {
    gate = tf.layers
      .conv2d({
        filters: units,
        kernelSize: 1,
        activation,
        kernelInitializer: kernelInitializer(`${name}_${step}_conv`),
        name: `${name}_${step}_conv`,
      })
      .apply(gate) as tf.SymbolicTensor;
  }
  return tf.layers.multiply({ name: `${name}_scale` }).apply([x, gate]) as tf.SymbolicTensor;
}

/** timm's `make_divisible(channels · ratio, 8)` with no round-up limit. */
export function squeezeChannels(channels: number, ratio: number): number {
  const divisor = 8;
  return Math.max(divisor, Math.floor((channels * ratio + divisor / 2) / divisor) * divisor);
}
