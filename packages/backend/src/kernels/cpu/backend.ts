import type * as tf from '@tensorflow/tfjs';

/** What the `cpu` backend stores for a tensor. */
export type CpuValues = Float32Array | Int32Array | Uint8Array;

/** The part of tfjs's cpu backend our kernels use (its class is not exported with types). */
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: CpuValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: CpuValues): tf.TensorInfo;
}

/** The values of `tensor` on the cpu backend (no copy). */
export function cpuValues(backend: tf.KernelBackend, tensor: tf.TensorInfo): CpuValues {
  return (backend as unknown as CpuBackend).data.get(tensor.dataId).values;
}

/** The values of a float32 `tensor` on the cpu backend (no copy). */
export function cpuFloats(backend: tf.KernelBackend, tensor: tf.TensorInfo): Float32Array {
  return cpuValues(backend, tensor) as Float32Array;
}

/** A new tensor on the cpu backend holding `values` (not copied). */
export function cpuTensor(
  backend: tf.KernelBackend,
  shape: number[],
  dtype: tf.DataType,
  values: CpuValues,
): tf.TensorInfo {
  return (backend as unknown as CpuBackend).makeTensorInfo(shape, dtype, values);
}
