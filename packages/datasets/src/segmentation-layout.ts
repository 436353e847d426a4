import { DatasetError } from './dataset-error.js';
import type { ImageFile } from './image-files.js';

/** An image and its mask, and the split they belong to. */
export interface SegmentationPair {
  image: ImageFile;
  mask: ImageFile;
  split: 'train' | 'test';
}

/** Where a segmentation folder's pairs come from, and the split when the folder names none. */
export interface SegmentationLayout {
  kind: 'voc' | 'masks';
  pairs: SegmentationPair[];
  /** Whether the folder said which pair is train and which test (lists or folders). */
  splitGiven: boolean;
  /** The `classes.txt` beside the folders, when there is one. */
  classNames?: ImageFile;
}

/**
 * The Pascal VOC classes, in mask-value order: 0 is background; 255 in the masks marks object
 * borders and difficult regions, which are ignored.
 */
export const VOC_CLASSES: readonly string[] = (
  'background aeroplane bicycle bird boat bottle bus car cat chair cow diningtable dog horse ' +
  'motorbike person pottedplant sheep sofa train tvmonitor'
).split(' ');

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
const TEST_FOLDERS = ['test', 'val', 'validation'];

/**
 * Which segmentation layout `paths` (`/`-separated, below the folder's root) are in: Pascal
 * VOC's (`JPEGImages/` and `SegmentationClass/`, at the root or under `VOCdevkit/VOC2012/` or
 * `VOC2012/`), or `images/` beside `masks/` (at the root, or under `train/` and `test/`).
 * Undefined for anything else, such as a classification image folder.
 */
export function segmentationLayoutKind(paths: Iterable<string>): 'voc' | 'masks' | undefined {
  const found = folders(paths);
  if (vocPrefix(found) !== undefined) return 'voc';
  if (found.has('images') && found.has('masks')) return 'masks';
  if (found.has('train/images') && found.has('train/masks')) return 'masks';
  return undefined;
}

/**
 * Pairs every image with its mask (the same file name stem) and assigns splits, from the
 * paths and, for Pascal VOC, the `ImageSets/Segmentation` lists; nothing is decoded yet.
 * @throws DatasetError naming the file: an image without a mask, a mask without an image, an
 *   id in a VOC list with no image, two images or masks of one stem.
 */
export async function pairSegmentationFiles(
  files: readonly ImageFile[],
  name: string,
): Promise<SegmentationLayout> {
  const visible = files.filter(
    (file) => !file.path.split('/').some((part) => part.startsWith('.')),
  );
  const kind = segmentationLayoutKind(visible.map((file) => file.path));
  if (kind === undefined) {
    throw new DatasetError(
      `${name}: not a segmentation folder; expected Pascal VOC's JPEGImages/ and SegmentationClass/ (with ImageSets/Segmentation/train.txt and val.txt), or images/ beside masks/ with one mask per image of the same name.`,
    );
  }
  const classNames = visible.find((file) => file.path === 'classes.txt');
  const layout = kind === 'voc' ? await pairVoc(visible) : pairMasks(visible);
  return { kind, ...layout, ...(classNames && { classNames }) };
}

/** Every folder that `paths` lie in, up to three levels deep. */
function folders(paths: Iterable<string>): Set<string> {
  const found = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length && depth <= 3; depth++) {
      found.add(parts.slice(0, depth).join('/'));
    }
  }
  return found;
}

function vocPrefix(found: Set<string>): string | undefined {
  return ['', 'VOC2012/', 'VOCdevkit/VOC2012/'].find(
    (prefix) => found.has(`${prefix}JPEGImages`) && found.has(`${prefix}SegmentationClass`),
  );
}

type Pairing = Pick<SegmentationLayout, 'pairs' | 'splitGiven'>;

async function pairVoc(files: readonly ImageFile[]): Promise<Pairing> {
  const prefix = vocPrefix(folders(files.map((file) => file.path))) ?? '';
  const images = byStem(files, `${prefix}JPEGImages/`, true);
  const masks = byStem(files, `${prefix}SegmentationClass/`, false);
  const list = (split: string) =>
    files.find((file) => file.path === `${prefix}ImageSets/Segmentation/${split}.txt`);
  const train = list('train');
  const test = list('val');
  if (train === undefined || test === undefined) {
    // Without the lists, every mask names a pair; JPEGImages also holds the detection
    // images, which have no mask and are left out.
    const pairs = [...masks].map(([stem, mask]) => {
      const image = images.get(stem);
      if (image === undefined) throw missing(mask, `${prefix}JPEGImages/${stem}.jpg`, 'image');
      return { image, mask, split: 'train' as const };
    });
    return { pairs, splitGiven: false };
  }
  const pairs: SegmentationPair[] = [];
  for (const [listFile, split] of [
    [train, 'train'],
    [test, 'test'],
  ] as const) {
    for (const id of await readIds(listFile)) {
      const image = images.get(id);
      if (image === undefined) {
        throw new DatasetError(
          `${listFile.displayName}: lists "${id}", but ${prefix}JPEGImages/ has no ${id}.jpg.`,
        );
      }
      const mask = masks.get(id);
      if (mask === undefined) throw missing(image, `${prefix}SegmentationClass/${id}.png`, 'mask');
      pairs.push({ image, mask, split });
    }
  }
  return { pairs, splitGiven: true };
}

/** The ids of a VOC image list: the first word of each non-empty line. */
async function readIds(file: ImageFile): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await file.read();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new DatasetError(
      `${file.displayName}: cannot read the file (${code ?? (error as Error).message}).`,
    );
  }
  const ids = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((id) => id !== '');
  if (ids.length === 0) throw new DatasetError(`${file.displayName}: the list names no images.`);
  return ids;
}

function pairMasks(files: readonly ImageFile[]): Pairing {
  const found = folders(files.map((file) => file.path));
  const split = found.has('train/images');
  const testFolder = TEST_FOLDERS.find((folder) => found.has(`${folder}/images`));
  const parts: [string, 'train' | 'test'][] = split
    ? [['train/', 'train'], ...(testFolder ? [[`${testFolder}/`, 'test'] as [string, 'test']] : [])]
    : [['', 'train']];
  const pairs: SegmentationPair[] = [];
  for (const [folder, which] of parts) {
    const images = byStem(files, `${folder}images/`, true);
    const masks = byStem(files, `${folder}masks/`, false);
    for (const [stem, image] of images) {
      const mask = masks.get(stem);
      if (mask === undefined) throw missing(image, `${folder}masks/${stem}.png`, 'mask');
      pairs.push({ image, mask, split: which });
    }
    for (const [stem, mask] of masks) {
      if (!images.has(stem)) throw missing(mask, `${folder}images/${stem}.png or .jpg`, 'image');
    }
  }
  return { pairs, splitGiven: testFolder !== undefined && split };
}

/** Files below `folder`, by path without extension; two of one stem is an error. */
function byStem(
  files: readonly ImageFile[],
  folder: string,
  imagesOnly: boolean,
): Map<string, ImageFile> {
  const found = new Map<string, ImageFile>();
  for (const file of files) {
    if (!file.path.startsWith(folder)) continue;
    const rest = file.path.slice(folder.length);
    const base = rest.slice(rest.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    const extension = dot <= 0 ? '' : base.slice(dot).toLowerCase();
    if (imagesOnly && !IMAGE_EXTENSIONS.includes(extension)) continue;
    const stem = dot <= 0 ? rest : rest.slice(0, rest.length - base.length + dot);
    const other = found.get(stem);
    if (other !== undefined) {
      throw new DatasetError(
        `${file.displayName}: ${other.displayName} has the same name; each image and each mask needs a name of its own.`,
      );
    }
    found.set(stem, file);
  }
  return found;
}

function missing(file: ImageFile, expected: string, what: 'image' | 'mask'): DatasetError {
  return new DatasetError(
    what === 'mask'
      ? `${file.displayName}: the image has no mask (expected ${expected}).`
      : `${file.displayName}: the mask has no image (expected ${expected}).`,
  );
}
