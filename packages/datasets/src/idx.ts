import { DatasetError } from './dataset-error.js';
import type { ImageSplit } from './image-dataset.js';

/** The element types of the IDX format (LeCun's MNIST file format), by their type code. */
const IDX_TYPES = {
  8: { name: 'uint8', bytes: 1 },
  9: { name: 'int8', bytes: 1 },
  11: { name: 'int16', bytes: 2 },
  12: { name: 'int32', bytes: 4 },
  13: { name: 'float32', bytes: 4 },
  14: { name: 'float64', bytes: 8 },
} as const;

export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** The values, converted from the file's big-endian order. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses an IDX file (raw bytes, not gzipped). Checks the magic number, the dimensions and
 * that the file holds exactly the values its header declares.
 * @param fileName used in error messages only.
 * @throws DatasetError naming the file and the problem.
 */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetError(
      `${fileName}: not an IDX file: ${bytes.length} bytes is shorter than the 4-byte header.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const typeCode = bytes[2] as keyof typeof IDX_TYPES;
  const type = IDX_TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(
      ' ',
    );
    throw new DatasetError(
      `${fileName}: wrong magic number ${magic}: an IDX file starts 00 00, then a type code ` +
        `(08 09 0b 0c 0d 0e), then the number of dimensions.`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new DatasetError(`${fileName}: the IDX header declares 0 dimensions.`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new DatasetError(
      `${fileName}: truncated header: ${rank} dimensions need ${headerLength} bytes, file has ${bytes.length}.`,
    );
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerLength + count * type.bytes;
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${fileName}: expected ${expected} bytes for ${shape.join('×')} ${type.name} values, found ${bytes.length}` +
        (bytes.length < expected ? ' (truncated).' : ' (trailing data).'),
    );
  }
  return { type: type.name, shape, data: readValues(view, headerLength, count, type.name) };
}

/** Copies the values out of the file, converting multi-byte types from big-endian. */
function readValues(
  view: DataView,
  offset: number,
  count: number,
  type: IdxType,
): IdxArray['data'] {
  const start = view.byteOffset + offset;
  if (type === 'uint8') return new Uint8Array(view.buffer.slice(start, start + count));
  if (type === 'int8') return new Int8Array(view.buffer.slice(start, start + count));
  const readers = {
    int16: [Int16Array, (at: number) => view.getInt16(at, false)],
    int32: [Int32Array, (at: number) => view.getInt32(at, false)],
    float32: [Float32Array, (at: number) => view.getFloat32(at, false)],
    float64: [Float64Array, (at: number) => view.getFloat64(at, false)],
  } as const;
  const [ArrayType, read] = readers[type];
  const values = new ArrayType(count);
  for (let i = 0; i < count; i++) values[i] = read(offset + i * ArrayType.BYTES_PER_ELEMENT);
  return values;
}

/**
 * Reads an IDX file from disk, gzipped (`.gz`, detected by content) or raw. Node.js only.
 * @throws DatasetError when the file is missing, unreadable, or not valid IDX.
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DatasetError(
      `${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const { gunzipSync } = await import('node:zlib');
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DatasetError(`${path}: corrupt gzip data (${(error as Error).message}).`);
    }
  }
  return parseIdx(bytes, path);
}

/**
 * Reads a pair of IDX files (images N×H×W or N×H×W×C uint8, labels N uint8) into a split.
 * @throws DatasetError when a file is invalid, the counts disagree, or a label is not below
 *   `numClasses`.
 */
export async function readIdxSplit(
  imagesPath: string,
  labelsPath: string,
  numClasses: number,
): Promise<ImageSplit> {
  const images = await readIdxFile(imagesPath);
  const labels = await readIdxFile(labelsPath);
  if (images.type !== 'uint8' || (images.shape.length !== 3 && images.shape.length !== 4)) {
    throw new DatasetError(
      `${imagesPath}: expected uint8 images of shape N×H×W[×C], found ${images.type} ${images.shape.join('×')}.`,
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new DatasetError(
      `${labelsPath}: expected one uint8 label per image, found ${labels.type} ${labels.shape.join('×')}.`,
    );
  }
  if (labels.shape[0] !== images.shape[0]) {
    throw new DatasetError(
      `${labelsPath}: ${labels.shape[0]} labels for the ${images.shape[0]} images in ${imagesPath}.`,
    );
  }
  const labelValues = labels.data as Uint8Array;
  const bad = labelValues.findIndex((label) => label >= numClasses);
  if (bad >= 0) {
    throw new DatasetError(
      `${labelsPath}: label ${labelValues[bad]} at index ${bad} is outside the ${numClasses} classes 0-${numClasses - 1}.`,
    );
  }
  const [count, height, width, channels = 1] = images.shape;
  return {
    images: images.data as Uint8Array,
    labels: labelValues,
    count,
    imageShape: [height, width, channels],
  };
}
