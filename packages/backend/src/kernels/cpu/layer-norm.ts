import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import {
  LAYER_NORM,
  LAYER_NORM_GRAD,
  layerNormBackward,
  layerNormForward,
} from '../shared/layer-norm.js';
import { cpuFloats, cpuTensor } from './backend.js';

function layerNorm(args: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { epsilon } = args.attrs as { epsilon: number };
  const view = (t: tf.TensorInfo | undefined) =>
    t === undefined ? null : cpuFloats(args.backend, t);
  const shape = [...x!.shape];
  const width = shape[shape.length - 1];
  const values = view(x)!;
  const y = new Float32Array(values.length);
  const mean = new Float32Array(values.length / Math.max(width, 1));
  const invStd = new Float32Array(mean.length);
  layerNormForward(values, view(gamma), view(beta), epsilon, width, y, mean, invStd);
  const rows = shape.slice(0, -1);
  return [
    cpuTensor(args.backend, shape, 'float32', y),
    cpuTensor(args.backend, rows, 'float32', mean),
    cpuTensor(args.backend, rows, 'float32', invStd),
  ];
}

function layerNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const { x, dy, mean, invStd, gamma } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const view = (t: tf.TensorInfo | undefined) =>
    t === undefined ? null : cpuFloats(args.backend, t);
  const shape = [...x!.shape];
  const width = shape[shape.length - 1];
  const dx = new Float32Array(view(x)!.length);
  const dGamma = new Float32Array(width);
  const dBeta = new Float32Array(width);
  layerNormBackward(
    view(x)!,
    view(dy)!,
    view(mean)!,
    view(invStd)!,
    view(gamma),
    width,
    dx,
    dGamma,
    dBeta,
  );
  return [
    cpuTensor(args.backend, shape, 'float32', dx),
    cpuTensor(args.backend, [width], 'float32', dGamma),
    cpuTensor(args.backend, [width], 'float32', dBeta),
  ];
}

/** Layer norm and its gradient on `cpu`: one pass each, for ~9 and ~25 stock kernels. */
export const cpuLayerNormKernels: tf.KernelConfig[] = [
  { kernelName: LAYER_NORM, backendName: 'cpu', kernelFunc: layerNorm as tf.KernelFunc },
  { kernelName: LAYER_NORM_GRAD, backendName: 'cpu', kernelFunc: layerNormGrad as tf.KernelFunc },
];
