import { DatasetError } from './dataset-error.js';
import type { ImageDataset, ImageSplit, Normalization } from './image-dataset.js';

/**
 * A whole `ImageDataset` in one binary file, so a web page (which cannot run `loadDigits()`:
 * that reads the `mnist` package's files from disk) fetches exactly the split Node.js builds.
 *
 * Layout: the magic bytes `RDS1`, a little-endian uint32 header length, the header as UTF-8
 * JSON (name, classes, normalisation, and each split's count and image shape), then for each
 * split in header order its image bytes followed by its label bytes. The whole file may be
 * gzip-compressed; readers detect that by gzip's magic bytes.
 */
const MAGIC = [0x52, 0x44, 0x53, 0x31]; // "RDS1"
const GZIP_MAGIC = [0x1f, 0x8b];
const PREAMBLE = MAGIC.length + 4;

interface PackedHeader {
  name: string;
  numClasses: number;
  classNames: string[];
  normalization: Normalization;
  splits: { name: 'train' | 'test'; count: number; imageShape: [number, number, number] }[];
}

export interface PackOptions {
  /** gzip the file (MNIST digits shrink about 5×). Default false. */
  gzip?: boolean;
}

/** Writes `dataset` in the packed format that {@link unpackImageDataset} reads. */
export async function packImageDataset(
  dataset: ImageDataset,
  options: PackOptions = {},
): Promise<Uint8Array> {
  const splits = [
    ['train', dataset.train],
    ['test', dataset.test],
  ] as const;
  const header: PackedHeader = {
    name: dataset.name,
    numClasses: dataset.numClasses,
    classNames: [...dataset.classNames],
    normalization: { mean: [...dataset.normalization.mean], std: [...dataset.normalization.std] },
    splits: splits.map(([name, split]) => ({
      name,
      count: split.count,
      imageShape: [...split.imageShape],
    })),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const payload = splits.reduce((n, [, split]) => n + split.images.length + split.count, 0);
  const bytes = new Uint8Array(PREAMBLE + headerBytes.length + payload);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, PREAMBLE);
  let offset = PREAMBLE + headerBytes.length;
  for (const [, split] of splits) {
    bytes.set(split.images.subarray(0, split.count * imageBytes(split.imageShape)), offset);
    offset += split.count * imageBytes(split.imageShape);
    bytes.set(split.labels.subarray(0, split.count), offset);
    offset += split.count;
  }
  return options.gzip ? transform(bytes, new CompressionStream('gzip')) : bytes;
}

/**
 * Reads a data set written by {@link packImageDataset}, gzipped or not.
 * @param source names the file in error messages.
 * @throws DatasetError naming `source` and what is wrong: not a packed data set, truncated,
 *   an inconsistent header, labels outside the classes.
 */
export async function unpackImageDataset(
  input: Uint8Array,
  source = 'packed data set',
): Promise<ImageDataset> {
  let bytes = input;
  if (startsWith(bytes, GZIP_MAGIC)) {
    try {
      bytes = await transform(bytes, new DecompressionStream('gzip'));
    } catch (error) {
      throw new DatasetError(`${source}: corrupt gzip data (${(error as Error).message}).`);
    }
  }
  if (bytes.length < PREAMBLE || !startsWith(bytes, MAGIC)) {
    throw new DatasetError(
      `${source}: not a packed data set: it must start with "RDS1" (written by packImageDataset).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (bytes.length < PREAMBLE + headerLength) {
    throw new DatasetError(
      `${source}: truncated: the header needs ${headerLength} bytes, ${bytes.length - PREAMBLE} remain.`,
    );
  }
  const header = parseHeader(bytes.subarray(PREAMBLE, PREAMBLE + headerLength), source);
  const expected =
    PREAMBLE +
    headerLength +
    header.splits.reduce((n, s) => n + s.count * (imageBytes(s.imageShape) + 1), 0);
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${source}: expected ${expected} bytes for the splits its header declares, found ${bytes.length}.`,
    );
  }
  let offset = PREAMBLE + headerLength;
  const splits = new Map<string, ImageSplit>();
  for (const { name, count, imageShape } of header.splits) {
    // Copies, so the data set does not keep the (possibly much larger) file buffer alive.
    const images = bytes.slice(offset, offset + count * imageBytes(imageShape));
    offset += images.length;
    const labels = bytes.slice(offset, offset + count);
    offset += count;
    const bad = labels.findIndex((label) => label >= header.numClasses);
    if (bad !== -1) {
      throw new DatasetError(
        `${source}: ${name} label ${labels[bad]} at ${bad} is outside the ${header.numClasses} classes.`,
      );
    }
    splits.set(name, { images, labels, count, imageShape });
  }
  return {
    name: header.name,
    train: splits.get('train')!,
    test: splits.get('test')!,
    numClasses: header.numClasses,
    classNames: header.classNames,
    normalization: header.normalization,
  };
}

export interface FetchImageDatasetOptions {
  /** Cancels the download. */
  signal?: AbortSignal;
}

/**
 * Downloads and reads a packed data set: how a web page gets the bundled digits, split exactly
 * as `loadDigits()` splits them in Node.js.
 * @throws DatasetError naming the URL when the request fails or the file is not a packed data set.
 */
export async function fetchImageDataset(
  url: string | URL,
  options: FetchImageDatasetOptions = {},
): Promise<ImageDataset> {
  const response = await fetch(url, { signal: options.signal });
  if (!response.ok) {
    throw new DatasetError(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  return unpackImageDataset(new Uint8Array(await response.arrayBuffer()), String(url));
}

function parseHeader(bytes: Uint8Array, source: string): PackedHeader {
  let header: PackedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes)) as PackedHeader;
  } catch {
    throw new DatasetError(`${source}: the header is not valid JSON.`);
  }
  const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
  const names = Array.isArray(header?.splits) ? header.splits.map((s) => s?.name).sort() : [];
  const valid =
    typeof header.name === 'string' &&
    positiveInteger(header.numClasses) &&
    header.numClasses > 0 &&
    header.numClasses <= 256 &&
    Array.isArray(header.classNames) &&
    Array.isArray(header.normalization?.mean) &&
    Array.isArray(header.normalization?.std) &&
    names.join() === 'test,train' &&
    header.splits.every(
      (split) =>
        positiveInteger(split.count) &&
        Array.isArray(split.imageShape) &&
        split.imageShape.length === 3 &&
        split.imageShape.every((d) => positiveInteger(d) && d > 0),
    );
  if (!valid) {
    throw new DatasetError(
      `${source}: the header must give name, numClasses (1 to 256), classNames, normalization ` +
        'and the train and test splits with count and imageShape [height, width, channels].',
    );
  }
  return header;
}

function imageBytes(shape: readonly number[]): number {
  return shape[0] * shape[1] * shape[2];
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

async function transform(bytes: Uint8Array, stream: TransformStream): Promise<Uint8Array> {
  // A copy into a fresh ArrayBuffer: Blob refuses views of a SharedArrayBuffer.
  const output = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}
