import { unzipSync } from 'fflate';
import { extractStateDict } from './checkpoint-state-dict.js';
import { InteropError } from './interop-error.js';
import { isKind, PickleTuple, type PickleValue, type StorageValue } from './pickle-values.js';
import { dtypeBytes, type SourceTensor, type StateDict } from './source-tensor.js';
import { decodeTensorBytes } from './tensor-bytes.js';
import { STORAGE_DTYPES, torchGlobal } from './torch-globals.js';
import { unpickle } from './unpickle.js';

/** Every zip file starts with a local file header. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function unzip(bytes: Uint8Array, fail: (problem: string) => never): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (error) {
    return fail(`the zip archive is damaged or truncated (${(error as Error).message})`);
  }
}

/**
 * Reads a PyTorch `.pth`/`.pt`/`.bin` file as `torch.save` writes it since PyTorch 1.6 (a zip
 * of `data.pkl` and one file per storage under `data/`), without executing anything: the pickle
 * goes through a restricted unpickler (see `unpickle`). Training checkpoints that nest the
 * weights under `state_dict`, `model`, `model_ema` or `state_dict_ema` are unwrapped, and the
 * `module.` prefix of DataParallel models is dropped.
 */
export function readPth(bytes: Uint8Array, fileName: string): StateDict {
  const fail = (problem: string): never => {
    throw new InteropError(`${fileName}: ${problem}`);
  };
  if (!isZip(bytes)) {
    if (bytes[0] === 0x80) {
      fail(
        'PyTorch legacy (pre-1.6, non-zip) format is not supported; re-save it with torch.save(torch.load(path), path) in a current PyTorch',
      );
    }
    fail('not a PyTorch file: a .pth written by torch.save is a zip archive');
  }
  const entries = unzip(bytes, fail);
  const names = Object.keys(entries);
  if (names.some((name) => /(^|\/)constants\.pkl$/.test(name) || /(^|\/)code\//.test(name))) {
    fail(
      'this is a TorchScript archive (torch.jit.save), not a state dict; save model.state_dict() with torch.save instead',
    );
  }
  const pickleName = names.find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined)
    fail('the zip archive has no <archive>/data.pkl: not written by torch.save');
  const prefix = pickleName!.slice(0, -'data.pkl'.length);
  const byteOrder = entries[`${prefix}byteorder`];
  if (byteOrder !== undefined && new TextDecoder().decode(byteOrder).trim() !== 'little') {
    fail('the archive stores big-endian tensors, which are not supported');
  }

  const storages = new Map<string, StorageValue>();
  const persistentLoad = (id: PickleValue): PickleValue => {
    const items = id instanceof PickleTuple ? id.items : [];
    const [tag, type, key, , numelValue] = items;
    if (
      tag !== 'storage' ||
      type === undefined ||
      !isKind(type, 'storage-type') ||
      typeof key !== 'string'
    ) {
      fail('the pickle has a persistent id that is not a tensor storage');
    }
    const cached = storages.get(key as string);
    if (cached !== undefined) return cached;
    const dtype =
      STORAGE_DTYPES[(type as { qualifiedName: string }).qualifiedName.slice('torch.'.length)]!;
    const record = entries[`${prefix}data/${key as string}`];
    if (record === undefined)
      fail(`storage ${key as string} is missing from the archive's data/ folder`);
    const size = dtypeBytes(dtype);
    const numel = typeof numelValue === 'number' ? numelValue : record!.length / size;
    if (!Number.isSafeInteger(numel) || numel < 0 || numel * size !== record!.length) {
      fail(
        `storage ${key as string} holds ${record!.length} bytes, not ${String(numelValue)} ${dtype} elements`,
      );
    }
    let decoded: SourceTensor['data'] | undefined;
    const storage: StorageValue = {
      kind: 'storage',
      key: key as string,
      numel,
      dtype,
      elements: () => {
        decoded ??= decodeTensorBytes(record!, dtype, numel);
        return decoded;
      },
    };
    storages.set(key as string, storage);
    return storage;
  };
  const root = unpickle(entries[pickleName!]!, {
    fail,
    findGlobal: (module, name) => torchGlobal(module, name, fail),
    persistentLoad,
  });
  return extractStateDict(root, fail);
}
