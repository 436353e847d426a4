import { safetensorsDtypeOf } from './safetensors-dtypes.js';
import type { StateDict } from './source-tensor.js';
import { encodeTensorBytes } from './tensor-bytes.js';

/**
 * A `.safetensors` file of `stateDict`, tensors in map order, each stored as its `dtype`;
 * `metadata` goes to `__metadata__` (safetensors' Python loader and timm read `format: pt`).
 */
export function writeSafetensors(
  stateDict: StateDict,
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of stateDict) {
    const bytes = encodeTensorBytes(tensor);
    header[name] = {
      dtype: safetensorsDtypeOf(tensor.dtype),
      shape: tensor.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const jsonBytes = () => new TextEncoder().encode(json);
  json += ' '.repeat((8 - (jsonBytes().length % 8)) % 8);
  const headerBytes = jsonBytes();
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}
