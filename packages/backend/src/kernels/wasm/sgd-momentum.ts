import type * as tf from '@tensorflow/tfjs';
import type { NativeKernels } from '../native/addon.js';
import { type SgdMomentumUpdateAttrs, sgdMomentumUpdate } from '../shared/sgd-momentum.js';
import { wasmElementwiseUpdateKernel } from './elementwise-update.js';

/**
 * One SGD-momentum update on `wasm` (native when the addon is loaded, else JavaScript; the same
 * bits), in place of the composition's 4–6 kernels.
 */
export function wasmSgdMomentumUpdateKernel(native?: NativeKernels): tf.KernelConfig {
  return wasmElementwiseUpdateKernel(
    sgdMomentumUpdate,
    native &&
      (([weight, velocity, gradient], attrs: SgdMomentumUpdateAttrs, [newWeight, newVelocity]) =>
        native.sgdMomentumUpdate(
          weight,
          velocity,
          gradient,
          Float32Array.of(
            attrs.learningRate,
            attrs.momentum,
            attrs.weightDecay,
            attrs.decayed ? 1 : 0,
            attrs.nesterov ? 1 : 0,
          ),
          newWeight,
          newVelocity,
        )),
  );
}
