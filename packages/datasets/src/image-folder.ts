import { decodeImage } from './decode-image.js';
import { decodeImageInBrowser } from './decode-image-browser.js';
import { listFolderFiles } from './files.js';
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
  const { basename, resolve } = await import('node:path');
  const absolute = resolve(root);
  const files = await listFolderFiles(absolute);
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
