import * as tf from '@tensorflow/tfjs';
import { convBn, relu } from './conv-bn.js';
import type { KernelInitializerFactory } from './initializers.js';
import { type ShortcutKind, shortcut } from './shortcut.js';

export interface BasicBlockOptions {
  filters: number;
  /** Stride of the first 3×3 convolution (and of the shortcut). Default 1. */
  strides?: number;
  /**
   * The shortcut used when the block changes shape; a shape-preserving block always uses the
   * identity. `null` builds the plain (shortcut-free) counterpart of the block.
   */
  shortcut: ShortcutKind | null;
  /** Layer name prefix, e.g. `stage2_block1`. */
  name: string;
  kernelInitializer: KernelInitializerFactory;
}

/**
 * The basic residual block of He et al. 2015 (Fig. 2): two 3×3 conv + BN, the shortcut added
 * after the second BN, ReLU after the addition. `y = relu(F(x) + shortcut(x))`.
 */
export function basicBlock(x: tf.SymbolicTensor, options: BasicBlockOptions): tf.SymbolicTensor {
  const { filters, name, kernelInitializer } = options;
  const strides = options.strides ?? 1;
  let branch = convBn(x, { filters, kernelSize: 3, strides, name: `${name}_1`, kernelInitializer });
  branch = relu(branch, `${name}_1_relu`);
  branch = convBn(branch, { filters, kernelSize: 3, name: `${name}_2`, kernelInitializer });
  if (options.shortcut === null) return relu(branch, `${name}_out`);

  const inChannels = x.shape[x.shape.length - 1];
  const kind = strides === 1 && inChannels === filters ? 'identity' : options.shortcut;
  const carried = shortcut(x, {
    kind,
    filters,
    strides,
    name: `${name}_shortcut`,
    kernelInitializer,
  });
  const sum = tf.layers.add({ name: `${name}_add` }).apply([branch, carried]) as tf.SymbolicTensor;
  return relu(sum, `${name}_out`);
}
