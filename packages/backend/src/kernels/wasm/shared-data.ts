import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';

/** A new tensor over the same bytes (tensors are immutable; the backend counts references). */
function share(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * Identity, and Cast to the same dtype, without copying: the stock `wasm` kernels copy the
 * tensor, and gradients call them for every convolution and batch norm of a training step.
 * (The `cpu` backend already shares, like wasm's own Reshape.)
 */
export const wasmSharedDataKernels: readonly tf.KernelConfig[] = [
  {
    kernelName: tf.Identity,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === 'string') return runStockKernel(tf.Identity, 'wasm', args);
      return share(args.backend as unknown as BackendWasm, x);
    }) as tf.KernelFunc,
  },
  {
    kernelName: tf.Cast,
    backendName: 'wasm',
    kernelFunc: ((args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      if (x.dtype !== dtype || dtype === 'string') {
        return runStockKernel(tf.Cast, 'wasm', args);
      }
      return share(args.backend as unknown as BackendWasm, x);
    }) as tf.KernelFunc,
  },
];
