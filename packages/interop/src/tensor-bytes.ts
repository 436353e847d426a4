import {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
} from './half-float.js';
import type { SourceDtype } from './source-tensor.js';
import { dtypeBytes, elementCount, type SourceData, type SourceTensor } from './source-tensor.js';

/**
 * The values of `count` little-endian elements of `dtype` in `bytes` (exactly count × size
 * bytes; the caller has checked the length). Copies, so the result is aligned and owns its data.
 */
export function decodeTensorBytes(
  bytes: Uint8Array,
  dtype: SourceDtype,
  count: number,
): SourceData {
  // Not bytes.slice(): on a Node Buffer (what readFile returns) slice() is a view into a pooled
  // ArrayBuffer that holds other data too, so its .buffer would not be these bytes.
  const copy = new Uint8Array(count * dtypeBytes(dtype));
  copy.set(bytes.subarray(0, copy.length));
  const buffer = copy.buffer;
  switch (dtype) {
    case 'float64':
      return new Float64Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float16':
    case 'bfloat16': {
      const halves = new Uint16Array(buffer);
      const widen = dtype === 'float16' ? float16ToFloat32 : bfloat16ToFloat32;
      return Float32Array.from(halves, widen);
    }
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    default:
      return copy;
  }
}

function asNumbers(data: SourceData): ArrayLike<number> {
  return data instanceof BigInt64Array ? Array.from(data, (v) => Number(v)) : data;
}

function asBigInts(data: SourceData): BigInt64Array {
  return data instanceof BigInt64Array
    ? data
    : BigInt64Array.from(data as ArrayLike<number>, (v) => BigInt(Math.trunc(v)));
}

/** The little-endian bytes of `tensor` stored as its dtype (narrowing half types on the way). */
export function encodeTensorBytes(tensor: SourceTensor): Uint8Array {
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    throw new RangeError(
      `tensor of shape [${tensor.shape.join(', ')}] needs ${count} values, got ${tensor.data.length}`,
    );
  }
  const typed = typedFor(tensor.dtype, tensor.data);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function typedFor(dtype: SourceDtype, data: SourceData): ArrayBufferView {
  const numbers = () => asNumbers(data);
  switch (dtype) {
    case 'float64':
      return data instanceof Float64Array ? data : Float64Array.from(numbers());
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(numbers());
    case 'float16':
      return Uint16Array.from(numbers(), float32ToFloat16);
    case 'bfloat16':
      return Uint16Array.from(numbers(), float32ToBfloat16);
    case 'int64':
      return asBigInts(data);
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(numbers());
    case 'int16':
      return data instanceof Int16Array ? data : Int16Array.from(numbers());
    case 'int8':
      return data instanceof Int8Array ? data : Int8Array.from(numbers());
    case 'bool':
      return Uint8Array.from(numbers(), (v) => (v ? 1 : 0));
    default:
      return data instanceof Uint8Array ? data : Uint8Array.from(numbers());
  }
}
