import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A Float32Array over a tensor's bytes in the WASM heap (no copy). Take views only after the
 * kernel's last allocation: growing the heap detaches every view taken before.
 */
export function heapView(backend: BackendWasm, tensor: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
