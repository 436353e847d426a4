import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCifar } from './cifar.js';
import { readCifarClassNames, readCifarFiles } from './cifar-files.js';
import { DatasetError } from './dataset-error.js';
import { cifarBytes, tempDir, writeTree } from './test-files.js';

describe('parseCifar', () => {
  it('reads CIFAR-10 records into NHWC images and labels', () => {
    const bytes = cifarBytes('cifar10', [3, 7, 0]);
    const { split, coarseLabels } = parseCifar(bytes, { variant: 'cifar10', fileName: 'b.bin' });
    expect(split.count).toBe(3);
    expect(split.imageShape).toEqual([32, 32, 3]);
    expect(Array.from(split.labels)).toEqual([3, 7, 0]);
    expect(coarseLabels).toBeUndefined();
    // Pixel (0, 0) of record 1 is R = 1, G = 101, B = 201: the planes interleaved per pixel.
    expect(Array.from(split.images.subarray(3072, 3075))).toEqual([1, 101, 201]);
    // Pixel (0, 1) of record 0 is the second byte of each plane.
    expect(split.images[3]).toBe(bytes[1 + 1]);
    expect(split.images[4]).toBe(bytes[1 + 1024 + 1]);
    expect(split.images[5]).toBe(bytes[1 + 2048 + 1]);
    // The last pixel of the last image is the last byte of the blue plane.
    expect(split.images[3 * 3072 - 1]).toBe(bytes[bytes.length - 1]);
  });

  it('reads CIFAR-100 fine and coarse labels', () => {
    const bytes = cifarBytes('cifar100', [
      [4, 99],
      [19, 0],
    ]);
    const { split, coarseLabels } = parseCifar(bytes, { variant: 'cifar100', fileName: 't.bin' });
    expect(Array.from(split.labels)).toEqual([99, 0]);
    expect(Array.from(coarseLabels ?? [])).toEqual([4, 19]);
    expect(Array.from(split.images.subarray(3072, 3075))).toEqual([1, 101, 201]);
  });

  it('refuses a file that is not a whole number of records', () => {
    const bytes = cifarBytes('cifar10', [1, 2]);
    expect(() =>
      parseCifar(bytes.subarray(0, 5000), { variant: 'cifar10', fileName: 'b.bin' }),
    ).toThrow(
      'b.bin: 5000 bytes is not a whole number of cifar10 records of 3073 bytes (1 records and 1927 bytes left over): truncated, or not a cifar10 binary file.',
    );
    // A CIFAR-100 file read as CIFAR-10 has the wrong record size.
    expect(() =>
      parseCifar(cifarBytes('cifar100', [[0, 0]]), { variant: 'cifar10', fileName: 'x.bin' }),
    ).toThrow(DatasetError);
    expect(() => parseCifar(new Uint8Array(0), { variant: 'cifar10', fileName: 'e.bin' })).toThrow(
      /e\.bin: 0 bytes/,
    );
  });

  it('refuses a file cut at a record boundary when the count is known', () => {
    const bytes = cifarBytes('cifar10', [1, 2, 3]);
    expect(() =>
      parseCifar(bytes.subarray(0, 2 * 3073), {
        variant: 'cifar10',
        fileName: 'b.bin',
        expectedCount: 3,
      }),
    ).toThrow('b.bin: expected 3 cifar10 records, found 2 (truncated).');
  });

  it('refuses labels outside the classes', () => {
    expect(() =>
      parseCifar(cifarBytes('cifar10', [1, 10]), { variant: 'cifar10', fileName: 'b.bin' }),
    ).toThrow('b.bin: label 10 of record 1 is outside the 10 classes 0-9.');
    expect(() =>
      parseCifar(cifarBytes('cifar100', [[20, 5]]), { variant: 'cifar100', fileName: 't.bin' }),
    ).toThrow('t.bin: coarse label 20 of record 0 is outside the 20 superclasses 0-19.');
    expect(() =>
      parseCifar(cifarBytes('cifar100', [[2, 100]]), { variant: 'cifar100', fileName: 't.bin' }),
    ).toThrow('t.bin: label 100 of record 0 is outside the 100 classes 0-99.');
  });
});

describe('readCifarFiles', () => {
  it('reads several batch files into one split, in file order', async () => {
    const dir = writeTree(tempDir(), {
      'a.bin': cifarBytes('cifar10', [1, 2], 1),
      'b.bin': cifarBytes('cifar10', [3, 4], 2),
    });
    const { split } = await readCifarFiles([join(dir, 'a.bin'), join(dir, 'b.bin')], 'cifar10', 4);
    expect(Array.from(split.labels)).toEqual([1, 2, 3, 4]);
    const direct = parseCifar(cifarBytes('cifar10', [3, 4], 2), {
      variant: 'cifar10',
      fileName: 'b',
    });
    expect(Buffer.from(split.images.subarray(2 * 3072)).equals(direct.split.images)).toBe(true);
  });

  it('names the file that is missing or has the wrong count', async () => {
    const dir = writeTree(tempDir(), { 'a.bin': cifarBytes('cifar10', [1]) });
    await expect(readCifarFiles([join(dir, 'nope.bin')], 'cifar10', 1)).rejects.toThrow(
      `${join(dir, 'nope.bin')}: cannot read the file (ENOENT).`,
    );
    await expect(readCifarFiles([join(dir, 'a.bin')], 'cifar10', 2)).rejects.toThrow(
      `${join(dir, 'a.bin')}: expected 2 cifar10 records, found 1 (truncated).`,
    );
  });

  it('reads class names, one per line, or falls back when the file is absent', async () => {
    const dir = writeTree(tempDir(), { 'meta.txt': 'cat\ndog\n\n', 'bad.txt': 'cat\n' });
    expect(await readCifarClassNames(join(dir, 'meta.txt'), 2, [])).toEqual(['cat', 'dog']);
    expect(await readCifarClassNames(join(dir, 'none.txt'), 2, ['a', 'b'])).toEqual(['a', 'b']);
    await expect(readCifarClassNames(join(dir, 'bad.txt'), 2, [])).rejects.toThrow(
      /bad\.txt: expected 2 class names, one per line, found 1\./,
    );
  });
});
