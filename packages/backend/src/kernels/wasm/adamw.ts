import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import { ADAMW_UPDATE, type AdamWUpdateAttrs, adamwUpdateInto } from '../shared/adamw.js';
import { heapView } from './heap.js';

/** One AdamW update on `wasm`, in place of the composition's 11–12 kernels. */
function adamwUpdate(args: KernelArgs): tf.TensorInfo[] {
  const { weight, m, v, gradient } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as unknown as BackendWasm;
  const outputs = [weight, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  // Views after the outputs' allocations, which may grow (and detach) the heap.
  const view = (t: tf.TensorInfo) => heapView(backend, t);
  adamwUpdateInto(
    view(weight),
    view(m),
    view(v),
    view(gradient),
    args.attrs as unknown as AdamWUpdateAttrs,
    view(outputs[0]),
    view(outputs[1]),
    view(outputs[2]),
  );
  return outputs;
}

export const wasmAdamWUpdateKernel: tf.KernelConfig = {
  kernelName: ADAMW_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamwUpdate as tf.KernelFunc,
};
