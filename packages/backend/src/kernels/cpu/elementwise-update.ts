import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../kernel-overrides.js';
import type { ElementwiseUpdate } from '../shared/elementwise-update.js';
import { cpuFloats, cpuTensor } from './backend.js';

/** `update` as a `cpu` kernel: one pass in place of a composition of tfjs kernels. */
export function cpuElementwiseUpdateKernel<Attrs>(
  update: ElementwiseUpdate<Attrs>,
): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo[] => {
    const inputs = update.inputs.map((name) =>
      cpuFloats(args.backend, (args.inputs as Record<string, tf.TensorInfo>)[name]),
    );
    const shape = [...(args.inputs as Record<string, tf.TensorInfo>)[update.inputs[0]].shape];
    const outputs = Array.from(
      { length: update.outputs },
      () => new Float32Array(inputs[0].length),
    );
    update.into(inputs, args.attrs as unknown as Attrs, outputs);
    return outputs.map((o) => cpuTensor(args.backend, shape, 'float32', o));
  };
  return {
    kernelName: update.kernelName,
    backendName: 'cpu',
    kernelFunc: kernelFunc as tf.KernelFunc,
  };
}
