import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import { GELU, GELU_GRAD, geluBackward, geluForward } from '../shared/gelu.js';
import { cpuFloats, cpuTensor } from './backend.js';

function gelu(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const values = cpuFloats(args.backend, x);
  const y = new Float32Array(values.length);
  geluForward(values, y);
  return cpuTensor(args.backend, [...x.shape], 'float32', y);
}

function geluGrad(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const values = cpuFloats(args.backend, x);
  const dx = new Float32Array(values.length);
  geluBackward(values, cpuFloats(args.backend, dy), dx);
  return cpuTensor(args.backend, [...x.shape], 'float32', dx);
}

/** GELU and its gradient on `cpu`: one pass each, in place of ~5 and ~12 stock kernels. */
export const cpuGeluKernels: tf.KernelConfig[] = [
  { kernelName: GELU, backendName: 'cpu', kernelFunc: gelu as tf.KernelFunc },
  { kernelName: GELU_GRAD, backendName: 'cpu', kernelFunc: geluGrad as tf.KernelFunc },
];
