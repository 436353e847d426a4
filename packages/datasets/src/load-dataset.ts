import {
  CIFAR100_SUPERCLASSES,
  DATASETS,
  type DatasetInfo,
  getDatasetInfo,
  unknownDataset,
} from './catalog.js';
import {
  CIFAR_FILES,
  extractCifarArchive,
  readCifarClassNames,
  readCifarFiles,
} from './cifar-files.js';
import { defaultDataDir } from './data-dir.js';
import { DatasetError } from './dataset-error.js';
import { loadDigits } from './digits.js';
import { type DownloadOptions, downloadFile } from './download.js';
import { pathKind } from './files.js';
import { readIdxSplit } from './idx.js';
import type { ImageDataset, ImageSplit } from './image-dataset.js';
import type { ImageFolderOptions } from './image-files.js';
import { readImageFolder } from './image-folder.js';
import { computeNormalization } from './normalization.js';
import { listSegmentationDatasets } from './segmentation-catalog.js';
import { isSegmentationFolder } from './segmentation-folder.js';
import { type FoundFiles, findStandardFiles, searchFolders } from './standard-files.js';
import { splitValidation } from './validation-split.js';

export interface LoadDatasetOptions extends DownloadOptions {
  /**
   * The root folder of data sets (torchvision's `root`): files are looked for in
   * `<dataDir>/<name>/` and in `dataDir` itself, and downloaded to `<dataDir>/<name>/`.
   * Default: `$RESIDUAL_DATA_DIR`, else the user's cache folder (see `defaultDataDir`).
   */
  dataDir?: string;
  /** Download missing files from the data set's site, verified by SHA-256. Default false. */
  download?: boolean;
  /**
   * Hold images out of the training set as `validation`: `true` for the data set's standard
   * count (5,000 for CIFAR, as in the ResNet paper's 45k/5k split; a tenth of the training
   * images for a folder), or a number. Default none.
   */
  validation?: boolean | number;
  /** CIFAR-100 only: the 100 fine classes (default) or the 20 superclasses. */
  labels?: 'fine' | 'coarse';
  /** How an image folder is read, when `source` is one. */
  imageFolder?: ImageFolderOptions;
}

/**
 * Loads a data set by name (`digits`, `mnist`, `fashion-mnist`, `cifar10`, `cifar100`) or from
 * a folder (the standard files of one of them, or an image folder with one subfolder per class),
 * like torchvision's `CIFAR10(root, download=True)`. Files are validated before anything is
 * returned: a truncated or damaged file is one `DatasetError` naming it.
 *
 * ```ts
 * const cifar = await loadDataset('cifar10', { download: true, validation: true });
 * ```
 * @throws DatasetError for an unknown name, missing files (without `download`), a failed
 *   download, or a file that is not what it should be.
 */
export async function loadDataset(
  source: string | DatasetInfo,
  options: LoadDatasetOptions = {},
): Promise<ImageDataset> {
  let info: DatasetInfo | undefined;
  let dataset: ImageDataset;
  if (typeof source !== 'string') {
    info = source;
    dataset = await loadNamed(info, options);
  } else if (DATASETS.some((entry) => entry.name === source)) {
    info = getDatasetInfo(source);
    dataset = await loadNamed(info, options);
  } else if (listSegmentationDatasets().some((entry) => entry.name === source)) {
    throw segmentationSource(source);
  } else if (/[/\\]/.test(source) || source.startsWith('.') || (await pathKind(source))) {
    ({ dataset, info } = await loadPath(source, options));
  } else {
    throw unknownDataset(source);
  }
  return withValidation(dataset, options.validation, info);
}

/**
 * Where a named data set's files are: whether they are all there (`found`), and the folder
 * they are in, or where `download` would put them.
 */
export async function locateDataset(
  name: string,
  options: Pick<LoadDatasetOptions, 'dataDir'> = {},
): Promise<{ found: boolean; location: string }> {
  const info = getDatasetInfo(name);
  if (info.format === 'bundled')
    return { found: true, location: 'bundled with @residual/datasets' };
  const dataDir = options.dataDir ?? defaultDataDir();
  const folders = await searchFolders(info, dataDir);
  const found = await findStandardFiles(info.format, folders);
  if (found === undefined) return { found: false, location: folders[0] };
  const { dirname } = await import('node:path');
  const location =
    'folder' in found
      ? found.folder
      : 'archive' in found
        ? dirname(found.archive)
        : dirname(found.trainImages);
  return { found: true, location };
}

async function loadNamed(info: DatasetInfo, options: LoadDatasetOptions): Promise<ImageDataset> {
  if (info.format === 'bundled') return loadDigits();
  const dataDir = options.dataDir ?? defaultDataDir();
  const folders = await searchFolders(info, dataDir);
  let found = await findStandardFiles(info.format, folders);
  let verified = false;
  if (found === undefined) {
    if (!options.download) throw notFound(info, folders);
    const { join } = await import('node:path');
    for (const file of info.files) await downloadFile(file, join(folders[0], file.name), options);
    found = await findStandardFiles(info.format, folders);
    if (found === undefined) throw notFound(info, folders);
    verified = true;
  } else if ('archive' in found && options.download) {
    // A damaged archive from an earlier run is fetched again; a good one is kept.
    for (const file of info.files) await downloadFile(file, found.archive, options);
    verified = true;
  }
  return readFound(info, found, options, verified);
}

async function readFound(
  info: DatasetInfo,
  found: FoundFiles,
  options: LoadDatasetOptions,
  verified = false,
): Promise<ImageDataset> {
  if (options.labels === 'coarse' && found.format !== 'cifar100') {
    throw new DatasetError(`${info.name}: only cifar100 has coarse labels (superclasses).`);
  }
  if (found.format === 'idx') {
    const train = await readIdxSplit(found.trainImages, found.trainLabels, info.numClasses);
    const test = await readIdxSplit(found.testImages, found.testLabels, info.numClasses);
    checkSplit(train, info, info.trainCount, found.trainImages);
    checkSplit(test, info, info.testCount, found.testImages);
    return { ...metadata(info), train, test };
  }
  const folder =
    'folder' in found ? found.folder : await extractCifarArchive(info, found.archive, verified);
  const { join } = await import('node:path');
  const files = CIFAR_FILES[found.format];
  const paths = (names: readonly string[]) => names.map((name) => join(folder, name));
  const train = await readCifarFiles(paths(files.train), found.format, info.trainCount);
  const test = await readCifarFiles(paths(files.test), found.format, info.testCount);
  if (options.labels === 'coarse' && files.coarseClassNames !== undefined) {
    const classNames = await readCifarClassNames(
      join(folder, files.coarseClassNames),
      CIFAR100_SUPERCLASSES.length,
      CIFAR100_SUPERCLASSES,
    );
    const coarse = (records: typeof train): ImageSplit => ({
      ...records.split,
      labels: records.coarseLabels ?? records.split.labels,
    });
    return {
      ...metadata(info),
      name: `${info.name}-coarse`,
      train: coarse(train),
      test: coarse(test),
      numClasses: classNames.length,
      classNames,
    };
  }
  const classNames = await readCifarClassNames(
    join(folder, files.classNames),
    info.numClasses,
    info.classNames,
  );
  return { ...metadata(info), classNames, train: train.split, test: test.split };
}

/** A folder given by path: the standard files of a known data set, or an image folder. */
async function loadPath(
  path: string,
  options: LoadDatasetOptions,
): Promise<{ dataset: ImageDataset; info?: DatasetInfo }> {
  const kind = await pathKind(path);
  if (kind !== 'directory') {
    throw new DatasetError(
      kind === 'file'
        ? `${path}: expected a folder (of standard data set files, or one subfolder per class), found a file.`
        : `${path}: no such folder, and not a known data set (${DATASETS.map((d) => d.name).join(', ')}).`,
    );
  }
  for (const format of ['cifar10', 'cifar100'] as const) {
    const found = await findStandardFiles(format, [path]);
    if (found !== undefined) {
      const info = getDatasetInfo(format);
      return { dataset: await readFound(info, found, options), info };
    }
  }
  if (await isSegmentationFolder(path)) throw segmentationSource(path);
  const idx = await findStandardFiles('idx', [path]);
  if (idx?.format === 'idx') return { dataset: await readIdxFolder(path, idx) };
  return { dataset: await readImageFolder(path, options.imageFolder) };
}

/** IDX files of an unknown data set: classes and statistics come from the files. */
async function readIdxFolder(
  path: string,
  found: Extract<FoundFiles, { format: 'idx' }>,
): Promise<ImageDataset> {
  const train = await readIdxSplit(found.trainImages, found.trainLabels, 256);
  const test = await readIdxSplit(found.testImages, found.testLabels, 256);
  let numClasses = 0;
  for (const label of train.labels) numClasses = Math.max(numClasses, label + 1);
  const outside = test.labels.findIndex((label) => label >= numClasses);
  if (outside >= 0) {
    throw new DatasetError(
      `${found.testLabels}: label ${test.labels[outside]} at index ${outside} never occurs in the training labels (0-${numClasses - 1}).`,
    );
  }
  const { basename, resolve } = await import('node:path');
  return {
    name: basename(resolve(path)),
    train,
    test,
    numClasses,
    classNames: Array.from({ length: numClasses }, (_, i) => String(i)),
    normalization: computeNormalization(train),
  };
}

function metadata(info: DatasetInfo) {
  return {
    name: info.name,
    numClasses: info.numClasses,
    classNames: info.classNames,
    normalization: info.normalization,
  };
}

/** A standard file with the wrong number or shape of images is not the data set it claims. */
function checkSplit(split: ImageSplit, info: DatasetInfo, count: number, file: string): void {
  if (split.count !== count) {
    throw new DatasetError(
      `${file}: ${split.count} images, but ${info.name} has ${count} here; the file is incomplete or from another data set.`,
    );
  }
  if (split.imageShape.join('×') !== info.imageShape.join('×')) {
    throw new DatasetError(
      `${file}: images of ${split.imageShape.join('×')}, but ${info.name} images are ${info.imageShape.join('×')}.`,
    );
  }
}

function withValidation(
  dataset: ImageDataset,
  validation: boolean | number | undefined,
  info: DatasetInfo | undefined,
): ImageDataset {
  if (validation === undefined || validation === false || validation === 0) return dataset;
  const count =
    validation === true
      ? (info?.validationCount ?? Math.round(dataset.train.count / 10))
      : validation;
  const parts = splitValidation(dataset.train, { count, numClasses: dataset.numClasses });
  return { ...dataset, train: parts.train, validation: parts.validation };
}

/** The error for a segmentation data set given where a classification one is expected. */
function segmentationSource(source: string): DatasetError {
  return new DatasetError(
    `${source}: a segmentation data set (a class per pixel), not a classification one; load it with loadSegmentationDataset, for a model with a segmentation head.`,
  );
}

function notFound(info: DatasetInfo, folders: readonly string[]): DatasetError {
  const format = info.format as Exclude<DatasetInfo['format'], 'bundled'>;
  const wanted =
    format === 'idx'
      ? 'train-images-idx3-ubyte.gz and the other three IDX files'
      : `${CIFAR_FILES[format].folder}/ or ${CIFAR_FILES[format].archive}`;
  const megabytes = Math.round(info.files.reduce((sum, file) => sum + file.size, 0) / 1e6);
  return new DatasetError(
    `${info.name}: not found in ${folders.join(', ')} (looked for ${wanted}). ` +
      `Download it (${megabytes} MB from ${new URL(info.files[0]?.urls[0] ?? info.homepage).host}) with download: true ` +
      `(residual train --download), or put the files in ${folders[0]}.`,
  );
}
