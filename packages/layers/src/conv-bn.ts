import * as tf from '@tensorflow/tfjs';
import type { KernelInitializerFactory } from './initializers.js';

/** Batch-norm settings of torchvision's ResNets (PyTorch momentum 0.1 is Keras momentum 0.9). */
export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

export interface ConvBnOptions {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** Layer name prefix: makes `<name>_conv` and `<name>_bn`. */
  name: string;
  kernelInitializer: KernelInitializerFactory;
}

/** A bias-free convolution followed by batch normalisation, the unit every ResNet is built of. */
export function convBn(x: tf.SymbolicTensor, options: ConvBnOptions): tf.SymbolicTensor {
  const convName = `${options.name}_conv`;
  const conv = tf.layers.conv2d({
    filters: options.filters,
    kernelSize: options.kernelSize,
    strides: options.strides ?? 1,
    padding: 'same',
    useBias: false,
    kernelInitializer: options.kernelInitializer(convName),
    name: convName,
  });
  return batchNorm(conv.apply(x) as tf.SymbolicTensor, `${options.name}_bn`);
}

export function batchNorm(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers
    .batchNormalization({ momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON, name })
    .apply(x) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
}
