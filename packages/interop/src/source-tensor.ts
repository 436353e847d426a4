/** The element types a weights file may hold, by their PyTorch names. */
export const SOURCE_DTYPES = [
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
] as const;
export type SourceDtype = (typeof SOURCE_DTYPES)[number];

/**
 * The values of a tensor. Half-precision types (float16, bfloat16) are widened to float32 on
 * read, so arithmetic never sees raw half bits; int64 stays exact as BigInt64Array.
 */
export type SourceData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/**
 * A tensor as the source library stores it (PyTorch: conv weights OIHW, linear [out, in]),
 * row-major. `dtype` is the type in the file (or to write); `data` holds its values.
 */
export interface SourceTensor {
  shape: number[];
  dtype: SourceDtype;
  data: SourceData;
}

/** Tensors by name, in the file's order. */
export type StateDict = Map<string, SourceTensor>;

/** Bytes one element of `dtype` takes in a file. */
export function dtypeBytes(dtype: SourceDtype): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
      return 2;
    default:
      return 1;
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values as float32, whatever the stored type (how weights enter a tfjs model). */
export function toFloat32(tensor: SourceTensor): Float32Array {
  const { data } = tensor;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data);
}

/** What an import loaded and what did not fit (filled in full when `strict: false`). */
export interface ImportReport {
  loaded: string[];
  missing: string[];
  unexpected: string[];
  mismatched: { key: string; expected: number[]; actual: number[] }[];
}
