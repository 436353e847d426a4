import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import { ADAMW_UPDATE, type AdamWUpdateAttrs, adamwUpdateInto } from '../shared/adamw.js';
import { heapView } from './heap.js';

/**
 * One AdamW update on `wasm` (native when the addon is loaded, else JavaScript; the same bits),
 * in place of the composition's 11–12 kernels.
 */
export function wasmAdamWUpdateKernel(native?: NativeKernels): tf.KernelConfig {
  const adamwUpdate = (args: KernelArgs): tf.TensorInfo[] => {
    const { weight, m, v, gradient } = args.inputs as Record<string, tf.TensorInfo>;
    const backend = args.backend as unknown as BackendWasm;
    const outputs = [weight, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
    // Views after the outputs' allocations, which may grow (and detach) the heap.
    const view = (t: tf.TensorInfo) => heapView(backend, t);
    const attrs = args.attrs as unknown as AdamWUpdateAttrs;
    if (native !== undefined) {
      const constants = Float32Array.of(
        attrs.beta1,
        attrs.beta2,
        attrs.oneMinusBeta1,
        attrs.oneMinusBeta2,
        attrs.decay,
        attrs.stepSize,
        attrs.rootCorrection2,
        attrs.epsilon,
        attrs.decayed ? 1 : 0,
      );
      native.adamwUpdate(
        view(weight),
        view(m),
        view(v),
        view(gradient),
        constants,
        view(outputs[0]),
        view(outputs[1]),
        view(outputs[2]),
      );
    } else {
      adamwUpdateInto(
        view(weight),
        view(m),
        view(v),
        view(gradient),
        attrs,
        view(outputs[0]),
        view(outputs[1]),
        view(outputs[2]),
      );
    }
    return outputs;
  };

  return {
    kernelName: ADAMW_UPDATE,
    backendName: 'wasm',
    kernelFunc: adamwUpdate as tf.KernelFunc,
  };
}
