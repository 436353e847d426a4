import * as tf from '@tensorflow/tfjs';

/**
 * A kernel of ours that maps float32 inputs of one shape to float32 outputs of that shape,
 * element by element (an optimizer's step, a moving average): registered on `wasm` and `cpu`
 * from this one description.
 */
export interface ElementwiseUpdate<Attrs> {
  kernelName: string;
  /** The kernel's input names, in the order `into` takes their values. */
  inputs: readonly string[];
  outputs: number;
  into(inputs: Float32Array[], attrs: Attrs, outputs: Float32Array[]): void;
}

/**
 * Runs the element-wise update `kernelName` on the active backend and returns its outputs, or
 * returns undefined — for the caller's tfjs composition — where the kernel is not registered
 * there or the inputs are not all float32 of the first one's shape.
 */
export function runElementwiseUpdate(
  kernelName: string,
  inputs: Record<string, tf.Tensor>,
  attrs: object,
): tf.Tensor[] | undefined {
  const tensors = Object.values(inputs);
  const fits = tensors.every(
    (t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, tensors[0]!.shape),
  );
  if (!fits || tf.getKernel(kernelName, tf.getBackend()) === undefined) return undefined;
  return tf
    .engine()
    .runKernel(kernelName, inputs, { ...attrs } as unknown as tf.NamedAttrMap) as tf.Tensor[];
}
