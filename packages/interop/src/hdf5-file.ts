import * as hdf5 from 'jsfive';
import { InteropError } from './interop-error.js';
import type { SourceTensor } from './source-tensor.js';

/** The 8-byte signature an HDF5 file starts with (no user block: Keras and h5py write none). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Float dtypes a weight may be stored in, as jsfive names them. */
const FLOAT_DTYPES: Record<string, number> = { '<f2': 2, '<f4': 4, '<f8': 8, '>f4': 4, '>f8': 8 };

export type Hdf5Group = hdf5.Group;

/** Whether `bytes` start like an HDF5 file. */
export function isHdf5(bytes: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Runs `read` on parsed HDF5 data and turns whatever the parser throws on a damaged file
 * (jsfive throws strings, RangeErrors past the buffer's end, and TypeErrors on structures
 * that do not hold what they claim) into one InteropError naming the file.
 */
export function guardHdf5<T>(fileName: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InteropError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new InteropError(`${fileName}: damaged or unsupported HDF5 file (${oneLine(detail)}).`, {
      cause: error,
    });
  }
}

/** Parses an HDF5 file held in memory; the file is only ever read, never executed. */
export function openHdf5(bytes: Uint8Array, fileName: string): hdf5.File {
  if (!isHdf5(bytes)) {
    throw new InteropError(`${fileName}: not an HDF5 file (no HDF5 signature at its start).`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return guardHdf5(fileName, () => new hdf5.File(buffer as ArrayBuffer, fileName));
}

/** The child `name` of `group` when it is a group, else undefined. */
export function childGroup(group: hdf5.Group, name: string): hdf5.Group | undefined {
  if (!group.keys.includes(name)) return undefined;
  const child = group.get(name);
  return child instanceof hdf5.Group ? child : undefined;
}

/** A float dataset at `path` under `group`, converted to float32, checked against the file. */
export function readFloatDataset(
  group: hdf5.Group,
  path: string,
  fileName: string,
  fileBytes: number,
): SourceTensor {
  const dataset = group.get(path);
  if (!(dataset instanceof hdf5.Dataset)) {
    throw new InteropError(`${fileName}: ${group.name}/${path} is not a dataset.`);
  }
  const dtype = typeof dataset.dtype === 'string' ? dataset.dtype : 'non-numeric';
  const itemBytes = FLOAT_DTYPES[dtype];
  if (itemBytes === undefined) {
    throw new InteropError(
      `${fileName}: ${dataset.name} has dtype ${dtype}; accepted: float16, float32, float64.`,
    );
  }
  const shape = [...dataset.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  // A weight is stored in the file: a shape larger than the file lies (and would make the
  // parser allocate it before failing).
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || size * itemBytes > fileBytes) {
    throw new InteropError(
      `${fileName}: ${dataset.name} claims shape [${shape.join(', ')}], more than the file holds.`,
    );
  }
  const value = dataset.value;
  if (value.length !== size) {
    throw new InteropError(
      `${fileName}: ${dataset.name} holds ${value.length} values for shape [${shape.join(', ')}].`,
    );
  }
  const data = Float32Array.from(value);
  // Half floats are widened and doubles narrowed to float32 on read; the dtype says what the
  // values now are (float16 keeps its name, as the PyTorch readers do for widened halves).
  return { shape, dtype: dtype.endsWith('2') ? 'float16' : 'float32', data };
}

/** A string attribute (or list of strings), as h5py and Keras write them. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (Array.isArray(value) && value.length === 0) return [];
  return undefined;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
