import { DatasetError } from './dataset-error.js';
import { decodeImage } from './decode-image.js';
import { decodeImageInBrowser } from './decode-image-browser.js';
import { readErrorCode } from './files.js';
import type { ImageDataset } from './image-dataset.js';
import { type ImageFile, type ImageFolderOptions, imageDatasetFromFiles } from './image-files.js';

/**
 * Reads an image folder from disk (Node.js): one subfolder per class, optionally under
 * `train/` and `test/`, of PNG and JPEG files decoded in pure JavaScript. Every image is
 * decoded and checked before the data set is returned.
 * @throws DatasetError naming the file and the problem.
 */
export async function readImageFolder(
  root: string,
  options: ImageFolderOptions = {},
): Promise<ImageDataset> {
  const [{ readdir, readFile, stat }, { basename, join, resolve }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const absolute = resolve(root);
  const files: ImageFile[] = [];
  const walk = async (relative: string[]): Promise<void> => {
    const folder = join(absolute, ...relative);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw new DatasetError(`${folder}: cannot read the folder (${readErrorCode(error)}).`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = [...relative, entry.name];
      const full = join(absolute, ...path);
      // A link is followed; a broken one is kept, so reading it reports the problem.
      const isDirectory = entry.isSymbolicLink()
        ? await stat(full).then(
            (info) => info.isDirectory(),
            () => false,
          )
        : entry.isDirectory();
      if (isDirectory) await walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push({ path: path.join('/'), displayName: full, read: () => readFile(full) });
      }
    }
  };
  await walk([]);
  return imageDatasetFromFiles(files, basename(absolute), options.decode ?? decodeImage, options);
}

/**
 * Reads an image folder that a user picked in a web page (`<input type="file"
 * webkitdirectory>` or a drop), decoding with the browser's own decoder. Paths come from each
 * file's `webkitRelativePath`, whose first part (the picked folder) is dropped.
 * @throws DatasetError naming the file and the problem.
 */
export async function readImageFiles(
  files: Iterable<File>,
  options: ImageFolderOptions & { name?: string } = {},
): Promise<ImageDataset> {
  let root = options.name;
  const entries: ImageFile[] = [];
  for (const file of files) {
    const full = file.webkitRelativePath || file.name;
    const parts = full.split('/');
    const picked = file.webkitRelativePath ? parts.shift() : undefined;
    root ??= picked;
    entries.push({
      path: parts.join('/'),
      displayName: full,
      read: async () => new Uint8Array(await file.arrayBuffer()),
    });
  }
  return imageDatasetFromFiles(
    entries,
    root ?? 'images',
    options.decode ?? decodeImageInBrowser,
    options,
  );
}
