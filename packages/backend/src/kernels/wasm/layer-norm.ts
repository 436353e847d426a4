import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import {
  LAYER_NORM,
  LAYER_NORM_GRAD,
  layerNormBackward,
  layerNormForward,
} from '../shared/layer-norm.js';
import { heapView, sizeOf } from './heap.js';

/**
 * Layer norm and its gradient on `wasm`, one pass each (native when the addon is loaded, else
 * JavaScript), for ~9 and ~25 stock kernels.
 */
export function wasmLayerNormKernels(native?: NativeKernels): tf.KernelConfig[] {
  const layerNorm = (args: KernelArgs): tf.TensorInfo[] => {
    const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { epsilon } = args.attrs as { epsilon: number };
    const backend = args.backend as unknown as BackendWasm;
    const shape = [...x!.shape];
    const width = shape[shape.length - 1];
    const rows = shape.slice(0, -1);
    const y = backend.makeOutput(shape, 'float32');
    const mean = backend.makeOutput(rows, 'float32');
    const invStd = backend.makeOutput(rows, 'float32');
    if (sizeOf(shape) === 0) return [y, mean, invStd];
    // Views after the outputs' allocations, which may grow (and detach) the heap.
    const view = (t: tf.TensorInfo | undefined) => (t === undefined ? null : heapView(backend, t));
    const [xs, ys, means, invStds] = [view(x)!, view(y)!, view(mean)!, view(invStd)!];
    if (native !== undefined) {
      native.layerNorm(xs, view(gamma), view(beta), epsilon, ys, means, invStds, width);
    } else {
      layerNormForward(xs, view(gamma), view(beta), epsilon, width, ys, means, invStds);
    }
    return [y, mean, invStd];
  };

  const layerNormGrad = (args: KernelArgs): tf.TensorInfo[] => {
    const { x, dy, mean, invStd, gamma } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const backend = args.backend as unknown as BackendWasm;
    const shape = [...x!.shape];
    const width = shape[shape.length - 1];
    const dx = backend.makeOutput(shape, 'float32');
    const dGamma = backend.makeOutput([width], 'float32');
    const dBeta = backend.makeOutput([width], 'float32');
    const view = (t: tf.TensorInfo | undefined) => (t === undefined ? null : heapView(backend, t));
    if (sizeOf(shape) === 0) {
      view(dGamma)!.fill(0);
      view(dBeta)!.fill(0);
      return [dx, dGamma, dBeta];
    }
    const run = native?.layerNormBackward.bind(native) ?? layerNormBackwardInOrder;
    run(
      view(x)!,
      view(dy)!,
      view(mean)!,
      view(invStd)!,
      view(gamma),
      view(dx)!,
      view(dGamma)!,
      view(dBeta)!,
      width,
    );
    return [dx, dGamma, dBeta];
  };

  return [
    { kernelName: LAYER_NORM, backendName: 'wasm', kernelFunc: layerNorm as tf.KernelFunc },
    {
      kernelName: LAYER_NORM_GRAD,
      backendName: 'wasm',
      kernelFunc: layerNormGrad as tf.KernelFunc,
    },
  ];
}

/** {@link layerNormBackward} with its arguments in the native entry point's order. */
function layerNormBackwardInOrder(
  x: Float32Array,
  dy: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array | null,
  dx: Float32Array,
  dGamma: Float32Array,
  dBeta: Float32Array,
  width: number,
): void {
  layerNormBackward(x, dy, mean, invStd, gamma, width, dx, dGamma, dBeta);
}
