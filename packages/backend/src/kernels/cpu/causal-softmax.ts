import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import {
  CAUSAL_SOFTMAX,
  CAUSAL_SOFTMAX_GRAD,
  causalSoftmaxBackward,
  causalSoftmaxForward,
} from '../shared/causal-softmax.js';
import { cpuFloats, cpuTensor } from './backend.js';

function causalSoftmax(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { scale } = args.attrs as { scale: number };
  const values = cpuFloats(args.backend, x);
  const y = new Float32Array(values.length);
  causalSoftmaxForward(values, y, x.shape[x.shape.length - 1], scale);
  return cpuTensor(args.backend, [...x.shape], 'float32', y);
}

function causalSoftmaxGrad(args: KernelArgs): tf.TensorInfo {
  const { y, dy } = args.inputs as { y: tf.TensorInfo; dy: tf.TensorInfo };
  const { scale } = args.attrs as { scale: number };
  const values = cpuFloats(args.backend, y);
  const dx = new Float32Array(values.length);
  const length = y.shape[y.shape.length - 1];
  causalSoftmaxBackward(values, cpuFloats(args.backend, dy), dx, length, scale);
  return cpuTensor(args.backend, [...y.shape], 'float32', dx);
}

/** The causal softmax and its gradient on `cpu`, one pass each. */
export const cpuCausalSoftmaxKernels: tf.KernelConfig[] = [
  { kernelName: CAUSAL_SOFTMAX, backendName: 'cpu', kernelFunc: causalSoftmax as tf.KernelFunc },
  {
    kernelName: CAUSAL_SOFTMAX_GRAD,
    backendName: 'cpu',
    kernelFunc: causalSoftmaxGrad as tf.KernelFunc,
  },
];
