import type { DatasetInfo } from './catalog.js';
import {
  CIFAR_IMAGE_BYTES,
  CIFAR_LAYOUTS,
  type CifarRecords,
  type CifarVariant,
  cifarRecordBytes,
  cifarRecordCount,
  copyCifarRecords,
} from './cifar.js';
import { DatasetError } from './dataset-error.js';
import { hasChecksum } from './download.js';
import { pathKind, readErrorCode, removeAbandoned, temporaryName } from './files.js';
import { extractTarGz } from './tar.js';

/** Records decoded per read: about 3 MB, so reading never holds a second copy of a split. */
const RECORDS_PER_READ = 1024;

/** The files of each CIFAR binary archive, as the authors ship them. */
export const CIFAR_FILES = {
  cifar10: {
    archive: 'cifar-10-binary.tar.gz',
    folder: 'cifar-10-batches-bin',
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: ['test_batch.bin'],
    classNames: 'batches.meta.txt',
    coarseClassNames: undefined,
  },
  cifar100: {
    archive: 'cifar-100-binary.tar.gz',
    folder: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    classNames: 'fine_label_names.txt',
    coarseClassNames: 'coarse_label_names.txt',
  },
} as const;

/**
 * Reads CIFAR binary files (Node.js) into one split, `count` records in all, spread evenly over
 * `paths` as in the authors' files (five training batches of 10,000 for CIFAR-10). Reads a few
 * megabytes at a time into the final arrays, so memory peaks at the split's own size.
 * @throws DatasetError when a file is missing, has the wrong length, or holds a bad label.
 */
export async function readCifarFiles(
  paths: readonly string[],
  variant: CifarVariant,
  count: number,
): Promise<CifarRecords> {
  const { open } = await import('node:fs/promises');
  const perFile = count / paths.length;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = CIFAR_LAYOUTS[variant].coarseClasses > 0 ? new Uint8Array(count) : undefined;
  const recordBytes = cifarRecordBytes(variant);
  const buffer = new Uint8Array(RECORDS_PER_READ * recordBytes);
  let at = 0;
  for (const path of paths) {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path, 'r');
    } catch (error) {
      throw new DatasetError(`${path}: cannot read the file (${readErrorCode(error)}).`);
    }
    try {
      const { size } = await file.stat();
      const records = cifarRecordCount(size, {
        variant,
        fileName: path,
        expectedCount: perFile,
      });
      for (let first = 0; first < records; first += RECORDS_PER_READ) {
        const length = Math.min(RECORDS_PER_READ, records - first) * recordBytes;
        const { bytesRead } = await file.read(buffer, 0, length, first * recordBytes);
        if (bytesRead !== length) {
          throw new DatasetError(`${path}: the file shrank while it was read.`);
        }
        at += copyCifarRecords(
          buffer.subarray(0, length),
          { variant, fileName: `${path} (record ${first} on)` },
          { images, labels, coarseLabels },
          at,
        );
      }
    } finally {
      await file.close();
    }
  }
  const split = { images, labels, count, imageShape: [32, 32, 3] as const };
  return coarseLabels === undefined ? { split } : { split, coarseLabels };
}

/**
 * Reads a class-names file of the CIFAR archives (`batches.meta.txt`, `fine_label_names.txt`):
 * one name per line. Returns `fallback` when the file is absent.
 * @throws DatasetError when the file holds a different number of names.
 */
export async function readCifarClassNames(
  path: string,
  expected: number,
  fallback: readonly string[],
): Promise<readonly string[]> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (readErrorCode(error) === 'ENOENT') return fallback;
    throw new DatasetError(`${path}: cannot read the file (${readErrorCode(error)}).`);
  }
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== expected) {
    throw new DatasetError(
      `${path}: expected ${expected} class names, one per line, found ${names.length}.`,
    );
  }
  return names;
}

/**
 * Extracts a CIFAR archive next to itself, after checking its SHA-256. The files appear under
 * their final folder name only once all are written, so an interrupted extraction is redone.
 */
export async function extractCifarArchive(
  info: DatasetInfo,
  archive: string,
  verified: boolean,
): Promise<string> {
  const [{ rename, rm }, { dirname, join }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const format = info.format as 'cifar10' | 'cifar100';
  const { folder } = CIFAR_FILES[format];
  const expected = info.files.find((file) => file.name === CIFAR_FILES[format].archive);
  if (!verified && expected !== undefined && !(await hasChecksum(archive, expected.sha256))) {
    throw new DatasetError(
      `${archive}: not the ${info.name} archive (its SHA-256 is not ${expected.sha256}); delete it, or load with download: true to fetch it again.`,
    );
  }
  const target = join(dirname(archive), folder);
  await removeAbandoned(target, 'extracting');
  const scratch = temporaryName(target, 'extracting');
  try {
    await extractTarGz(archive, scratch);
    if ((await pathKind(join(scratch, folder))) !== 'directory') {
      throw new DatasetError(`${archive}: the archive holds no ${folder}/ folder.`);
    }
    try {
      await rename(join(scratch, folder), target);
    } catch (error) {
      // Another process extracted the same archive first: its copy is as good as ours.
      if ((await pathKind(target)) !== 'directory') throw error;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return target;
}
