// Writers of small files in the real formats, for tests only (not exported by the package).
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '@residual/backend';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type CifarVariant, cifarRecordBytes } from './cifar.js';

/** A new temporary folder, removed when the test (or the file, made outside a test) is done. */
export function tempDir(prefix = 'residual-datasets-'): string {
  return temporaryDirectory(prefix);
}

/** Writes `files` (relative path → bytes or text) under `root` and returns `root`. */
export function writeTree(root: string, files: Record<string, Uint8Array | string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A valid IDX file of uint8 values with the given shape. */
export function idxBytes(shape: number[], values?: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  bytes.set(values ?? Array.from({ length: count }, (_, i) => i % 256), 4 + 4 * shape.length);
  return bytes;
}

/**
 * A CIFAR binary file with one record per label: pixel bytes are seeded noise, except that the
 * first red, green and blue bytes of record n hold n, 100 + n and 200 + n (mod 256), so a test
 * can tell records and channels apart. CIFAR-100 labels are [coarse, fine] pairs.
 */
export function cifarBytes(
  variant: CifarVariant,
  labels: readonly (number | readonly [number, number])[],
  seed = 1,
): Uint8Array {
  const recordBytes = cifarRecordBytes(variant);
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const bytes = new Uint8Array(labels.length * recordBytes);
  const rng = new Rng(seed);
  labels.forEach((label, n) => {
    const record = n * recordBytes;
    if (typeof label === 'number') bytes[record] = label;
    else bytes.set(label, record);
    for (let i = labelBytes; i < recordBytes; i++) bytes[record + i] = rng.nextInt(256);
    bytes[record + labelBytes] = n % 256;
    bytes[record + labelBytes + 1024] = (100 + n) % 256;
    bytes[record + labelBytes + 2048] = (200 + n) % 256;
  });
  return bytes;
}

/** A ustar archive of regular files (and the folders they imply). */
export function tarBytes(files: Record<string, Uint8Array | string>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const folders = new Set<string>();
  for (const [name, content] of Object.entries(files)) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join('/')}/`;
      if (!folders.has(folder)) {
        folders.add(folder);
        blocks.push(tarHeader(folder, 0, '5'));
      }
    }
    const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    blocks.push(tarHeader(name, data.length, '0'));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

/** One tar header block: `type` is the type flag ('0' file, '5' folder, '2' symlink…). */
export function tarHeader(name: string, size: number, type: string, linkName = ''): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, at: number) => header.set(new TextEncoder().encode(text), at);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('14000000000\0', 136);
  put(type, 156);
  put(linkName, 157);
  put('ustar\0', 257);
  put('00', 263);
  put('        ', 148);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** An image of `height`×`width` whose pixel (y, x) is `pixel(y, x)` = [r, g, b, a]. */
export function rgbaImage(
  height: number,
  width: number,
  pixel: (y: number, x: number) => readonly number[],
): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(height * width * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(y, x), (y * width + x) * 4);
  }
  return { width, height, data };
}

/** A PNG file (8-bit RGBA, or grey when `grey`) of the image. */
export function pngBytes(image: ReturnType<typeof rgbaImage>, grey = false): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return new Uint8Array(
    PNG.sync.write(png, grey ? { colorType: 0, inputHasAlpha: true } : { colorType: 6 }),
  );
}

/** A baseline JPEG file of the image, at quality 95. */
export function jpegBytes(image: ReturnType<typeof rgbaImage>): Uint8Array {
  return new Uint8Array(jpeg.encode(image, 95).data);
}

/**
 * The first `perClass` images of each class of the real Fashion-MNIST, from the `fashion-mnist`
 * package (one JSON file per class of 784-value arrays, 0-255), interleaved by class.
 * Only the start of each file is parsed.
 */
export function fashionMnistSample(perClass: number): { images: Uint8Array; labels: Uint8Array } {
  const folder = join(createRequire(import.meta.url).resolve('fashion-mnist/package.json'), '..');
  const perLabel = Array.from({ length: 10 }, (_, label) => {
    // About 2.5 kB of JSON per image: read only the start of the 15 MB file.
    const file = openSync(join(folder, 'src', 'clothes', `${label}.json`), 'r');
    const head = Buffer.alloc(4096 * (perClass + 1));
    const length = readSync(file, head, 0, head.length, 0);
    closeSync(file);
    const text = head.subarray(0, length).toString('latin1');
    const start = text.indexOf('[[') + 1;
    let end = start;
    for (let i = 0; i < perClass; i++) end = text.indexOf(']', end) + 1;
    return JSON.parse(`[${text.slice(start, end)}]`) as number[][];
  });
  const images = new Uint8Array(10 * perClass * 784);
  const labels = new Uint8Array(10 * perClass);
  for (let i = 0; i < perClass; i++) {
    for (let label = 0; label < 10; label++) {
      const n = i * 10 + label;
      images.set(perLabel[label][i], n * 784);
      labels[n] = label;
    }
  }
  return { images, labels };
}

/** A mask PNG of `values` (height×width): indexed with `palette` (RGB triples), else grey. */
export function maskPngBytes(
  height: number,
  width: number,
  values: ArrayLike<number>,
  options: {
    palette?: readonly (readonly number[])[];
    depth?: 1 | 2 | 4 | 8 | 16;
    /** Write grey with this alpha (colour type 4). */
    alpha?: number;
  } = {},
): Uint8Array {
  const depth = options.depth ?? 8;
  let data: Uint8Array | Uint16Array;
  if (options.alpha !== undefined) {
    const alpha = options.alpha;
    data = Uint8Array.from({ length: values.length * 2 }, (_, i) =>
      i % 2 === 0 ? values[i / 2] : alpha,
    );
  } else if (depth === 16) data = Uint16Array.from(values);
  else if (depth === 8) data = Uint8Array.from(values);
  else {
    // Sub-byte samples packed most significant first, each row starting on a byte.
    const rowBytes = Math.ceil((width * depth) / 8);
    data = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * depth;
        data[y * rowBytes + (bit >> 3)] |= values[y * width + x] << (8 - depth - (bit & 7));
      }
    }
  }
  return encodePng({
    width,
    height,
    data,
    depth,
    channels: options.alpha === undefined ? 1 : 2,
    ...(options.palette && { palette: options.palette.map((colour) => [...colour]) }),
  });
}
