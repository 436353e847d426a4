// Every reader, fed random corruptions of a valid file, either returns complete, valid data or
// throws one DatasetError: never another exception, a hang, or a silently short data set.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DatasetInfo, getDatasetInfo } from './catalog.js';
import { type CifarVariant, cifarRecordBytes, parseCifar } from './cifar.js';
import { DatasetError } from './dataset-error.js';
import { decodeImage } from './decode-image.js';
import { decodeMask } from './decode-mask.js';
import { parseIdx, readIdxFile } from './idx.js';
import type { ImageDataset } from './image-dataset.js';
import { readImageFolder } from './image-folder.js';
import { loadDataset } from './load-dataset.js';
import { extractTarGz } from './tar.js';
import {
  cifarBytes,
  idxBytes,
  jpegBytes,
  maskPngBytes,
  pngBytes,
  rgbaImage,
  tarBytes,
  tempDir,
  writeTree,
} from './test-files.js';

/** Fixed, so a failure reproduces; fast-check prints the failing case and its path. */
const SEED = 20151210;

type Corruption =
  | { kind: 'truncate'; at: number }
  | { kind: 'set'; changes: [number, number][] }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'append'; bytes: Uint8Array };

/** Positions favour the first 64 bytes, where headers (and most checks) are. */
const position = fc.oneof(fc.nat({ max: 63 }), fc.nat({ max: 1 << 20 }));
const someBytes = fc.uint8Array({ minLength: 1, maxLength: 64 });

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('set' as const),
    changes: fc.array(fc.tuple(position, fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: someBytes }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: position,
    length: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({ kind: fc.constant('append' as const), bytes: someBytes }),
);

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const at = 'at' in c ? c.at % (bytes.length + 1) : 0;
  switch (c.kind) {
    case 'truncate':
      return bytes.slice(0, at);
    case 'set': {
      const out = bytes.slice();
      for (const [p, value] of c.changes) out[p % out.length] = value;
      return out;
    }
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...c.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + c.length)]);
    case 'append':
      return Uint8Array.from([...bytes, ...c.bytes]);
  }
}

/**
 * Runs a reader on corrupted input: a DatasetError is a fine outcome, anything else thrown
 * fails the property; data that comes back must pass `check`. Counts both outcomes.
 */
function outcomes() {
  const seen = { valid: 0, rejected: 0 };
  return {
    seen,
    async run<T>(read: () => T | Promise<T>, check: (value: T) => void): Promise<void> {
      let value: T;
      try {
        value = await read();
      } catch (error) {
        if (error instanceof DatasetError) {
          seen.rejected++;
          return;
        }
        throw error;
      }
      check(value);
      seen.valid++;
    },
  };
}

/** A complete data set: every count as promised, every label in range. */
function expectComplete(data: ImageDataset, train: number, test: number): void {
  for (const [split, count] of [
    [data.train, train],
    [data.test, test],
  ] as const) {
    expect(split.count).toBe(count);
    expect(split.labels.length).toBe(count);
    expect(split.images.length).toBe(count * split.imageShape.reduce((a, b) => a * b));
    expect(split.labels.every((label) => label < data.numClasses)).toBe(true);
  }
}

describe('readers under random corruption', () => {
  it('parseIdx', async () => {
    const valid = idxBytes([6, 4, 5]);
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(corruption, (c) =>
        run(
          () => parseIdx(corrupt(valid, c), 'x.idx'),
          (idx) => expect(idx.data.length).toBe(idx.shape.reduce((a, b) => a * b, 1)),
        ),
      ),
      { seed: SEED, numRuns: 400 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('readIdxFile on gzipped files', async () => {
    const path = join(tempDir(), 'x.gz');
    const valid = gzipSync(idxBytes([5, 3, 3]));
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(corruption, (c) => {
        writeFileSync(path, corrupt(valid, c));
        return run(
          () => readIdxFile(path),
          (idx) => expect(idx.data.length).toBe(idx.shape.reduce((a, b) => a * b, 1)),
        );
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('parseCifar, CIFAR-10 and CIFAR-100, also with whole records cut out', async () => {
    const valid = {
      cifar10: cifarBytes('cifar10', [1, 2, 9]),
      cifar100: cifarBytes('cifar100', [
        [1, 50],
        [19, 99],
        [0, 0],
      ]),
    };
    // CIFAR files have no header: a file cut at a record boundary looks valid but for its length.
    const damage = (variant: CifarVariant) =>
      fc.oneof(
        corruption,
        fc.record({
          kind: fc.constant('delete' as const),
          at: fc.nat({ max: 2 }).map((record) => record * cifarRecordBytes(variant)),
          length: fc.constant(cifarRecordBytes(variant)),
        }),
      );
    const variants = fc.constantFrom<CifarVariant>('cifar10', 'cifar100');
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(
        variants.chain((variant) => fc.tuple(fc.constant(variant), damage(variant))),
        ([variant, c]) =>
          run(
            () =>
              parseCifar(corrupt(valid[variant], c), {
                variant,
                fileName: 'b.bin',
                expectedCount: 3,
              }),
            ({ split }) => {
              expect(split.count).toBe(3);
              expect(split.labels.every((l) => l < (variant === 'cifar10' ? 10 : 100))).toBe(true);
            },
          ),
      ),
      { seed: SEED, numRuns: 400 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('extractTarGz, corrupting the tar or the gzip around it', async () => {
    const files = { 'd/a.bin': new Uint8Array(700).fill(7), 'd/b.txt': 'names\n' };
    const tar = tarBytes(files);
    const root = tempDir();
    const archive = join(root, 'a.tar.gz');
    const { seen, run } = outcomes();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), corruption, (inner, c) => {
        writeFileSync(archive, inner ? gzipSync(corrupt(tar, c)) : corrupt(gzipSync(tar), c));
        const out = join(root, `out${n++}`);
        return run(
          () => extractTarGz(archive, out),
          (written) => expect(written.every((name) => !name.includes('..'))).toBe(true),
        ).finally(() => rmSync(out, { recursive: true, force: true }));
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('decodeImage, PNG and JPEG', async () => {
    const image = rgbaImage(6, 5, (y, x) => [40 * x, 30 * y, 99, 255]);
    const valid = { png: pngBytes(image), jpeg: jpegBytes(image) };
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('png', 'jpeg' as const), corruption, (format, c) =>
        run(
          () => decodeImage(corrupt(valid[format], c), `x.${format}`),
          (decoded) => {
            expect(decoded.width * decoded.height * 4).toBe(decoded.rgba.length);
            expect(decoded.width).toBeGreaterThan(0);
          },
        ),
      ),
      { seed: SEED, numRuns: 300 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('decodeMask, indexed and grey PNGs', async () => {
    const values = Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? 255 : i % 3));
    const palette = Array.from({ length: 256 }, (_, i) => [i, 255 - i, 0]);
    const valid = {
      indexed: maskPngBytes(6, 5, values, { palette }),
      grey: maskPngBytes(6, 5, values),
    };
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('indexed', 'grey' as const), corruption, (format, c) =>
        run(
          () => decodeMask(corrupt(valid[format], c), `${format}.png`),
          (decoded) => {
            expect(decoded.values.length).toBe(decoded.width * decoded.height);
            expect(decoded.width).toBeGreaterThan(0);
          },
        ),
      ),
      { seed: SEED, numRuns: 300 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('readImageFolder with one damaged image', async () => {
    const image = (v: number) => rgbaImage(4, 4, () => [v, 255 - v, 7, 255]);
    const root = writeTree(tempDir(), {
      'a/1.png': pngBytes(image(10)),
      'a/2.jpg': jpegBytes(image(20)),
      'b/1.png': pngBytes(image(200)),
      'b/2.png': pngBytes(image(210)),
    });
    const victims = { png: pngBytes(image(30)), jpg: jpegBytes(image(40)) };
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('png', 'jpg' as const), corruption, (format, c) => {
        rmSync(join(root, 'b', 'victim.png'), { force: true });
        rmSync(join(root, 'b', 'victim.jpg'), { force: true });
        writeFileSync(join(root, 'b', `victim.${format}`), corrupt(victims[format], c));
        return run(
          () => readImageFolder(root, { testFraction: 0.4 }),
          (data) => expectComplete(data, 3, 2),
        );
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('loadDataset on MNIST-style and CIFAR-style folders with one damaged file', async () => {
    const idxFiles: Record<string, Uint8Array> = {
      'train-images-idx3-ubyte.gz': gzipSync(idxBytes([4, 28, 28])),
      'train-labels-idx1-ubyte': idxBytes([4], [0, 9, 3, 3]),
      't10k-images-idx3-ubyte': idxBytes([2, 28, 28]),
      't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes([2], [1, 2])),
    };
    const cifarFiles: Record<string, Uint8Array> = { 'test_batch.bin': cifarBytes('cifar10', [1]) };
    for (let b = 1; b <= 5; b++) cifarFiles[`data_batch_${b}.bin`] = cifarBytes('cifar10', [b]);
    const sets: Record<string, { info: DatasetInfo; files: Record<string, Uint8Array> }> = {
      mnist: { info: { ...getDatasetInfo('mnist'), trainCount: 4, testCount: 2 }, files: idxFiles },
      cifar10: {
        info: { ...getDatasetInfo('cifar10'), trainCount: 5, testCount: 1 },
        files: cifarFiles,
      },
    };
    const { seen, run } = outcomes();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('mnist', 'cifar10'),
        fc.nat({ max: 5 }),
        corruption,
        (name, which, c) => {
          const { info, files } = sets[name];
          const names = Object.keys(files);
          const victim = names[which % names.length];
          const dataDir = tempDir();
          writeTree(dataDir, { ...files, [victim]: corrupt(files[victim], c) });
          return run(
            () => loadDataset(info, { dataDir }),
            (data) => expectComplete(data, info.trainCount, info.testCount),
          ).finally(() => rmSync(dataDir, { recursive: true, force: true }));
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.valid).toBeGreaterThan(0);
  });
});
