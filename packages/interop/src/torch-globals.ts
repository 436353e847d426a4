import { isKind, PickleTuple, type PickleValue, type StorageValue } from './pickle-values.js';
import { elementCount, type SourceDtype, type SourceTensor } from './source-tensor.js';

/** `torch.<Name>Storage` → element type, as `torch.save` tags each storage. */
export const STORAGE_DTYPES: Readonly<Record<string, SourceDtype>> = {
  DoubleStorage: 'float64',
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** An expanded (stride-0) view may not multiply its storage past this many elements. */
const MAX_EXPANDED_ELEMENTS = 1 << 24;

type Fail = (problem: string) => never;

function toIndex(value: PickleValue, what: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`tensor ${what} ${String(value)} is not a non-negative integer`);
  }
  return value as number;
}

function toIndices(value: PickleValue, what: string, fail: Fail): number[] {
  if (!(value instanceof PickleTuple)) fail(`tensor ${what} is not a tuple`);
  return (value as PickleTuple).items.map((item) => toIndex(item, what, fail));
}

/**
 * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`: the view of `storage`
 * as a row-major tensor, copied out element by element after checking that every element the
 * view reaches lies inside the storage.
 */
function rebuildTensor(args: PickleValue[], fail: Fail): PickleValue {
  const [storage, offsetValue, sizeValue, strideValue] = args;
  if (storage === undefined || !isKind(storage, 'storage'))
    fail('tensor is rebuilt from something that is not a storage');
  const { numel, dtype } = storage as StorageValue;
  const offset = toIndex(offsetValue ?? null, 'storage offset', fail);
  const shape = toIndices(sizeValue ?? null, 'size', fail);
  const stride = toIndices(strideValue ?? null, 'stride', fail);
  if (shape.length !== stride.length)
    fail(`tensor size has ${shape.length} dimensions but stride ${stride.length}`);
  const count = elementCount(shape);
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d]! - 1) * stride[d]!;
  if (count > 0 && last >= numel) {
    fail(
      `tensor view [${shape.join(', ')}] reaches element ${last} of a storage of ${numel} elements`,
    );
  }
  if (count > numel && count > MAX_EXPANDED_ELEMENTS)
    fail(`tensor view of ${count} elements is too large for its storage`);
  const source = (storage as StorageValue).elements();
  const Constructor = source.constructor as new (n: number) => SourceTensor['data'];
  let contiguous = true;
  for (let d = shape.length - 1, expected = 1; d >= 0; d--) {
    if (shape[d]! > 1 && stride[d] !== expected) contiguous = false;
    expected *= shape[d]!;
  }
  let data: SourceTensor['data'];
  if (contiguous) {
    data = source.slice(offset, offset + count) as SourceTensor['data'];
  } else {
    data = new Constructor(count);
    const index = new Array<number>(shape.length).fill(0);
    const out = data as unknown as { [i: number]: number | bigint };
    const from = source as unknown as { [i: number]: number | bigint };
    for (let i = 0; i < count; i++) {
      let at = offset;
      for (let d = 0; d < shape.length; d++) at += index[d]! * stride[d]!;
      out[i] = from[at]!;
      for (let d = shape.length - 1; d >= 0; d--) {
        if (++index[d]! < shape[d]!) break;
        index[d] = 0;
      }
    }
  }
  return { kind: 'tensor', tensor: { shape, dtype, data } };
}

/**
 * The only Python globals a weights pickle may name: the functions `torch.save` uses to rebuild
 * tensors and parameters, the storage type tags, OrderedDict and `_codecs.encode` (how protocol 2
 * writes bytes). Each is reimplemented here as a pure function of its arguments.
 */
export function torchGlobal(module: string, name: string, fail: Fail): PickleValue | undefined {
  const qualifiedName = `${module}.${name}`;
  if (module === 'torch' && name in STORAGE_DTYPES) return { kind: 'storage-type', qualifiedName };
  const call = (fn: (args: PickleValue[]) => PickleValue): PickleValue => ({
    kind: 'callable',
    qualifiedName,
    call: fn,
  });
  switch (qualifiedName) {
    case 'collections.OrderedDict':
      return call(() => new Map());
    case 'torch._utils._rebuild_tensor_v2':
      return call((args) => rebuildTensor(args, fail));
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return call((args) => {
        if (args[0] === undefined || !isKind(args[0], 'tensor'))
          fail('parameter wraps something that is not a tensor');
        return args[0] as PickleValue;
      });
    case '_codecs.encode':
      return call(([text]) => {
        if (typeof text !== 'string') fail('_codecs.encode needs a string');
        return Uint8Array.from(text as string, (c) => c.charCodeAt(0) & 0xff);
      });
    default:
      return undefined;
  }
}
