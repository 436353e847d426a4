const buffers = new Map<string, Float32Array>();

/**
 * A reusable Float32Array of at least `size` values for kernel-internal work, by purpose.
 * Kernels run synchronously, so one buffer per purpose suffices; reusing it spares the page
 * faults and garbage collection of a fresh multi-megabyte array on every training step.
 * Its contents are whatever the last user left.
 */
export function scratch(purpose: string, size: number): Float32Array {
  let buffer = buffers.get(purpose);
  if (buffer === undefined || buffer.length < size) {
    buffer = new Float32Array(size);
    buffers.set(purpose, buffer);
  }
  return buffer.subarray(0, size);
}
