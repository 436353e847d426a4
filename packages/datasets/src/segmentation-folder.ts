import { decodeImage } from './decode-image.js';
import { decodeImageInBrowser } from './decode-image-browser.js';
import { listFolderFiles } from './files.js';
import type { ImageFile } from './image-files.js';
import type { SegmentationDataset } from './segmentation-dataset.js';
import {
  type SegmentationFolderOptions,
  segmentationDatasetFromFiles,
} from './segmentation-files.js';
import { segmentationLayoutKind } from './segmentation-layout.js';

/**
 * Reads a segmentation folder from disk (Node.js): Pascal VOC's layout (`JPEGImages/*.jpg`,
 * `SegmentationClass/*.png`, `ImageSets/Segmentation/{train,val}.txt`, at the root or under
 * `VOCdevkit/VOC2012/`), or `images/` beside `masks/` (at the root, or under `train/` and
 * `test/`) whose masks share their image's name. Masks are indexed or grey PNGs of class
 * indices, 255 for pixels to ignore. Every file is decoded and checked first.
 *
 * ```ts
 * const voc = await readSegmentationFolder('./VOCdevkit/VOC2012', { size: [256, 256] });
 * ```
 * @throws DatasetError naming the file and the problem.
 */
export async function readSegmentationFolder(
  root: string,
  options: SegmentationFolderOptions = {},
): Promise<SegmentationDataset> {
  const { basename, resolve } = await import('node:path');
  const absolute = resolve(root);
  const files = await listFolderFiles(absolute);
  return segmentationDatasetFromFiles(
    files,
    basename(absolute),
    options.decode ?? decodeImage,
    options,
  );
}

/**
 * Reads a segmentation folder that a user picked in a web page (`<input type="file"
 * webkitdirectory>`): images with the browser's own decoder, masks as raw PNG values.
 * @throws DatasetError naming the file and the problem.
 */
export async function readSegmentationFiles(
  files: Iterable<File>,
  options: SegmentationFolderOptions & { name?: string } = {},
): Promise<SegmentationDataset> {
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
  return segmentationDatasetFromFiles(
    entries,
    root ?? 'images',
    options.decode ?? decodeImageInBrowser,
    options,
  );
}

/**
 * Whether the folder `path` holds a segmentation data set (Pascal VOC's layout, or `images/`
 * beside `masks/`), judged by its folder names alone, without reading any image (Node.js).
 */
export async function isSegmentationFolder(path: string): Promise<boolean> {
  const [{ stat }, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const candidates = [
    'JPEGImages',
    'SegmentationClass',
    'VOC2012/JPEGImages',
    'VOC2012/SegmentationClass',
    'VOCdevkit/VOC2012/JPEGImages',
    'VOCdevkit/VOC2012/SegmentationClass',
    'images',
    'masks',
    'train/images',
    'train/masks',
  ];
  const present = await Promise.all(
    candidates.map((folder) =>
      stat(join(path, folder)).then(
        (info) => info.isDirectory(),
        () => false,
      ),
    ),
  );
  // A file below each folder found stands in for the folder, as the layout reads paths.
  return (
    segmentationLayoutKind(candidates.filter((_, i) => present[i]).map((f) => `${f}/file`)) !==
    undefined
  );
}
