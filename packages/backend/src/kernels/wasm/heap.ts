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

/**
 * A float32 tensor of `shape` over `parent`'s bytes from value `offset` on (no copy), for
 * kernels that hand the WASM backend's XNNPACK kernels a window into a buffer. Free it with
 * {@link releaseHeapWindow}, never `disposeData` (that would free `parent`'s memory from its
 * middle); `parent` must outlive it.
 */
export function heapWindow(
  backend: BackendWasm,
  parent: tf.TensorInfo,
  offset: number,
  shape: number[],
): tf.TensorInfo {
  const base = backend.dataIdMap.get(parent.dataId)!.memoryOffset as number;
  return backend.makeOutput(shape, 'float32', base + offset * Float32Array.BYTES_PER_ELEMENT);
}

/** Unregisters a {@link heapWindow} (and the XNNPACK operators cached for it) without freeing. */
export function releaseHeapWindow(backend: BackendWasm, window: tf.TensorInfo): void {
  const data = backend.dataIdMap.get(window.dataId);
  if (data === undefined) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(window.dataId);
}
