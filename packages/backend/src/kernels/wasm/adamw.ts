import type * as tf from '@tensorflow/tfjs';
import type { NativeKernels } from '../native/addon.js';
import { type AdamWUpdateAttrs, adamwUpdate } from '../shared/adamw.js';
import { wasmElementwiseUpdateKernel } from './elementwise-update.js';

/**
 * One AdamW update on `wasm` (native when the addon is loaded, else JavaScript; the same bits),
 * in place of the composition's 11–12 kernels.
 */
export function wasmAdamWUpdateKernel(native?: NativeKernels): tf.KernelConfig {
  return wasmElementwiseUpdateKernel(
    adamwUpdate,
    native &&
      (([weight, m, v, gradient], attrs: AdamWUpdateAttrs, [newWeight, newM, newV]) =>
        native.adamwUpdate(
          weight,
          m,
          v,
          gradient,
          Float32Array.of(
            attrs.beta1,
            attrs.beta2,
            attrs.oneMinusBeta1,
            attrs.oneMinusBeta2,
            attrs.decay,
            attrs.stepSize,
            attrs.rootCorrection2,
            attrs.epsilon,
            attrs.decayed ? 1 : 0,
          ),
          newWeight,
          newM,
          newV,
        )),
  );
}
