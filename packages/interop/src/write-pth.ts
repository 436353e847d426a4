import { zipSync } from 'fflate';
import type { SourceDtype, StateDict } from './source-tensor.js';
import { encodeTensorBytes } from './tensor-bytes.js';
import { STORAGE_DTYPES } from './torch-globals.js';

/** Writes the opcodes of a protocol-2 pickle, the protocol `torch.save` uses. */
class PickleWriter {
  private readonly chunks: number[] = [];
  op(...codes: number[]): this {
    this.chunks.push(...codes);
    return this;
  }
  private uint32(value: number): void {
    this.op(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }
  string(text: string): this {
    const bytes = new TextEncoder().encode(text);
    this.op(0x58); // BINUNICODE
    this.uint32(bytes.length);
    return this.op(...bytes);
  }
  int(value: number): this {
    if (value >= 0 && value < 256) return this.op(0x4b, value); // BININT1
    if (value >= 0 && value < 65536) return this.op(0x4d, value & 0xff, value >> 8); // BININT2
    this.op(0x4a); // BININT
    this.uint32(value);
    return this;
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`)); // GLOBAL
  }
  tuple(values: number[]): this {
    if (values.length === 0) return this.op(0x29); // EMPTY_TUPLE
    this.op(0x28); // MARK
    for (const v of values) this.int(v);
    return this.op(0x74); // TUPLE
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function storageName(dtype: SourceDtype): string {
  return Object.entries(STORAGE_DTYPES).find(([, d]) => d === dtype)![0];
}

/** Row-major strides of `shape`, as PyTorch reports them for a contiguous tensor. */
function contiguousStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * A `.pth` file of `stateDict` in the zip format of `torch.save` (PyTorch 1.6+): an OrderedDict
 * of tensors, each rebuilt by `torch._utils._rebuild_tensor_v2` from a storage of its own, so
 * that `torch.load(path, weights_only=True)` accepts it.
 */
export function writePth(stateDict: StateDict): Uint8Array {
  const pickle = new PickleWriter().op(0x80, 2); // PROTO 2
  pickle.global('collections', 'OrderedDict').op(0x29, 0x52); // OrderedDict()
  const files: Record<string, Uint8Array> = {};
  let key = 0;
  pickle.op(0x28); // MARK
  for (const [name, tensor] of stateDict) {
    const storageKey = String(key++);
    files[`archive/data/${storageKey}`] = encodeTensorBytes(tensor);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    pickle.string(name).global('torch._utils', '_rebuild_tensor_v2');
    pickle.op(0x28); // MARK: the arguments
    pickle.op(0x28).string('storage').global('torch', storageName(tensor.dtype));
    pickle.string(storageKey).string('cpu').int(count).op(0x74, 0x51); // TUPLE, BINPERSID
    pickle.int(0).tuple(tensor.shape).tuple(contiguousStrides(tensor.shape));
    pickle.op(0x89); // requires_grad False
    pickle.global('collections', 'OrderedDict').op(0x29, 0x52); // backward hooks
    pickle.op(0x74, 0x52); // TUPLE, REDUCE
  }
  pickle.op(0x75, 0x2e); // SETITEMS, STOP
  return zipSync(
    {
      'archive/data.pkl': pickle.bytes(),
      'archive/byteorder': new TextEncoder().encode('little'),
      ...files,
      'archive/version': new TextEncoder().encode('3\n'),
    },
    { level: 0 },
  );
}
