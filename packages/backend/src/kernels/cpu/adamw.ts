import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import { ADAMW_UPDATE, type AdamWUpdateAttrs, adamwUpdateInto } from '../shared/adamw.js';
import { cpuFloats, cpuTensor } from './backend.js';

/** One AdamW update on `cpu`, in place of the composition's 11–12 kernels. */
function adamwUpdate(args: KernelArgs): tf.TensorInfo[] {
  const { weight, m, v, gradient } = args.inputs as Record<string, tf.TensorInfo>;
  const values = (t: tf.TensorInfo) => cpuFloats(args.backend, t);
  const size = values(weight).length;
  const outputs = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  adamwUpdateInto(
    values(weight),
    values(m),
    values(v),
    values(gradient),
    args.attrs as unknown as AdamWUpdateAttrs,
    outputs[0],
    outputs[1],
    outputs[2],
  );
  return outputs.map((o) => cpuTensor(args.backend, [...weight.shape], 'float32', o));
}

export const cpuAdamWUpdateKernel: tf.KernelConfig = {
  kernelName: ADAMW_UPDATE,
  backendName: 'cpu',
  kernelFunc: adamwUpdate as tf.KernelFunc,
};
