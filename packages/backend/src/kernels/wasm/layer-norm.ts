import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import {
  LAYER_NORM,
  LAYER_NORM_GRAD,
  layerNormBackward,
  layerNormForward,
} from '../shared/layer-norm.js';
import { heapView } from './heap.js';

function layerNorm(args: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { epsilon } = args.attrs as { epsilon: number };
  const backend = args.backend as unknown as BackendWasm;
  const shape = [...x!.shape];
  const width = shape[shape.length - 1];
  const rows = shape.slice(0, -1);
  const y = backend.makeOutput(shape, 'float32');
  const mean = backend.makeOutput(rows, 'float32');
  const invStd = backend.makeOutput(rows, 'float32');
  // Views after the outputs' allocations, which may grow (and detach) the heap.
  const view = (t: tf.TensorInfo | undefined) => (t === undefined ? null : heapView(backend, t));
  layerNormForward(
    view(x)!,
    view(gamma),
    view(beta),
    epsilon,
    width,
    view(y)!,
    view(mean)!,
    view(invStd)!,
  );
  return [y, mean, invStd];
}

function layerNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const { x, dy, mean, invStd, gamma } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const backend = args.backend as unknown as BackendWasm;
  const shape = [...x!.shape];
  const width = shape[shape.length - 1];
  const dx = backend.makeOutput(shape, 'float32');
  const dGamma = backend.makeOutput([width], 'float32');
  const dBeta = backend.makeOutput([width], 'float32');
  const view = (t: tf.TensorInfo | undefined) => (t === undefined ? null : heapView(backend, t));
  layerNormBackward(
    view(x)!,
    view(dy)!,
    view(mean)!,
    view(invStd)!,
    view(gamma),
    width,
    view(dx)!,
    view(dGamma)!,
    view(dBeta)!,
  );
  return [dx, dGamma, dBeta];
}

/** Layer norm and its gradient on `wasm`: one pass each, for ~9 and ~25 stock kernels. */
export const wasmLayerNormKernels: tf.KernelConfig[] = [
  { kernelName: LAYER_NORM, backendName: 'wasm', kernelFunc: layerNorm as tf.KernelFunc },
  { kernelName: LAYER_NORM_GRAD, backendName: 'wasm', kernelFunc: layerNormGrad as tf.KernelFunc },
];
