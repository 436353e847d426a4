import { type ImageDataset, type ImagePreprocessing, loadDataset } from '@residual/datasets';
import { DATA_DIR_OPTION } from './commands/datasets.js';
import { downloadProgress } from './download-progress.js';
import { flag, type OptionValues } from './options.js';
import type { Terminal } from './terminal.js';

/** `--download`, as every command that loads a data set offers it. */
export const DOWNLOAD_OPTION = flag('download', {
  description: 'Download the data set if it is not in the data folder (verified by SHA-256).',
});

/** The options that say where a command's data set comes from, besides `--dataset` itself. */
export const DATASET_SOURCE_OPTIONS = [DATA_DIR_OPTION, DOWNLOAD_OPTION] as const;

/** What those options give a command. */
export type DatasetSourceValues = OptionValues<typeof DATASET_SOURCE_OPTIONS>;

/**
 * Loads `source` (a name from `residual datasets`, or a folder) as `--data-dir` and `--download`
 * say, with a progress bar for downloads; an image folder is resized, cropped and normalised
 * as `preprocessing` says when given. An unknown name or a damaged file is a `DatasetError`,
 * which the command line reports as a user error.
 */
export function loadDatasetFor(
  source: string,
  values: DatasetSourceValues,
  terminal: Terminal,
  preprocessing?: ImagePreprocessing,
): Promise<ImageDataset> {
  return loadDataset(source, {
    dataDir: values['data-dir'],
    download: values.download,
    onProgress: downloadProgress(terminal),
    imageFolder: preprocessing === undefined ? undefined : { preprocessing },
  });
}
