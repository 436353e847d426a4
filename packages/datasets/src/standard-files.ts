import type { DatasetInfo } from './catalog.js';
import { CIFAR_FILES } from './cifar-files.js';
import { pathKind } from './files.js';

/** Where the standard files of a data set were found. */
export type FoundFiles =
  | {
      format: 'idx';
      trainImages: string;
      trainLabels: string;
      testImages: string;
      testLabels: string;
    }
  | { format: 'cifar10' | 'cifar100'; folder: string }
  | { format: 'cifar10' | 'cifar100'; archive: string };

/** The four IDX files of MNIST and Fashion-MNIST, by their standard names. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * The folders searched for a data set's files, in order: `<dataDir>/<name>` (where downloads
 * go), `dataDir` itself, and torchvision's layout (`<dataDir>/MNIST/raw`), so files already
 * downloaded by another tool are found.
 */
export async function searchFolders(info: Pick<DatasetInfo, 'name'>, dataDir: string) {
  const { join } = await import('node:path');
  const torchvision = { mnist: 'MNIST', 'fashion-mnist': 'FashionMNIST' }[info.name];
  return [
    join(dataDir, info.name),
    dataDir,
    ...(torchvision === undefined ? [] : [join(dataDir, torchvision, 'raw')]),
  ];
}

/**
 * Finds the standard files of a data set in `folders`: the four IDX files (gzipped or not), or
 * the CIFAR batch files (loose or in the archive's folder), or else the CIFAR archive.
 */
export async function findStandardFiles(
  format: DatasetInfo['format'],
  folders: readonly string[],
): Promise<FoundFiles | undefined> {
  const { join } = await import('node:path');
  if (format === 'idx') {
    const found: Record<string, string> = {};
    for (const [key, name] of Object.entries(IDX_FILES)) {
      const path = await firstFile(
        folders.flatMap((folder) => [join(folder, `${name}.gz`), join(folder, name)]),
      );
      if (path === undefined) return undefined;
      found[key] = path;
    }
    return { format, ...(found as Record<keyof typeof IDX_FILES, string>) };
  }
  if (format === 'cifar10' || format === 'cifar100') {
    const files = CIFAR_FILES[format];
    for (const folder of folders) {
      for (const candidate of [join(folder, files.folder), folder]) {
        const all = [...files.train, ...files.test].map((name) => join(candidate, name));
        if ((await Promise.all(all.map(pathKind))).every((kind) => kind === 'file')) {
          return { format, folder: candidate };
        }
      }
    }
    const archive = await firstFile(folders.map((folder) => join(folder, files.archive)));
    return archive === undefined ? undefined : { format, archive };
  }
  return undefined;
}

async function firstFile(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) if ((await pathKind(path)) === 'file') return path;
  return undefined;
}
