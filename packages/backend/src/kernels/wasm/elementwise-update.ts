import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { ElementwiseUpdate } from '../shared/elementwise-update.js';
import { heapView } from './heap.js';

/**
 * `update` as a `wasm` kernel in place of a composition of tfjs kernels, each of which costs
 * tens of microseconds whatever the tensor's size: one pass over the heap, by `native` where
 * given (the addon's threads and vectors; a JavaScript pass takes ~8 ns a value, 0.1 s a step
 * for a U-Net's 14 million weights), else in JavaScript. Both give the same bits.
 */
export function wasmElementwiseUpdateKernel<Attrs>(
  update: ElementwiseUpdate<Attrs>,
  native?: ElementwiseUpdate<Attrs>['into'],
): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo[] => {
    const inputs = update.inputs.map(
      (name) => (args.inputs as Record<string, tf.TensorInfo>)[name],
    );
    const backend = args.backend as unknown as BackendWasm;
    const shape = [...inputs[0].shape];
    const outputs = Array.from({ length: update.outputs }, () =>
      backend.makeOutput(shape, 'float32'),
    );
    // Views after the outputs' allocations, which may grow (and detach) the heap.
    const view = (t: tf.TensorInfo) => heapView(backend, t);
    (native ?? update.into)(inputs.map(view), args.attrs as unknown as Attrs, outputs.map(view));
    return outputs;
  };
  return {
    kernelName: update.kernelName,
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  };
}
