import type { SourceDtype } from './source-tensor.js';

/** safetensors' dtype names and ours, for the types we read and write. */
export const SAFETENSORS_DTYPES: Readonly<Record<string, SourceDtype>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

export function safetensorsDtypeOf(dtype: SourceDtype): string {
  const entry = Object.entries(SAFETENSORS_DTYPES).find(([, ours]) => ours === dtype);
  if (entry === undefined) throw new RangeError(`no safetensors dtype for ${dtype}`);
  return entry[0];
}
