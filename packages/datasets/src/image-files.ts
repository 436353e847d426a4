import { Rng } from '@residual/backend';
import { DatasetError } from './dataset-error.js';
import type { DecodedImage, ImageDecoder } from './decode-image.js';
import { stratifiedCounts } from './digits.js';
import { rgbToGrey } from './grey.js';
import type { ImageDataset, ImageSplit } from './image-dataset.js';
import { type ImagePreprocessing, preprocessImage } from './image-preprocessing.js';
import { computeNormalization } from './normalization.js';
import { resizeBilinear } from './resize.js';

/** One file of an image folder, wherever it comes from (disk, a browser's file picker). */
export interface ImageFile {
  /** Path below the folder's root, `/`-separated: `cat/1.png` or `train/cat/1.png`. */
  path: string;
  /** How errors name the file (its full path on disk). */
  displayName: string;
  read(): Promise<Uint8Array>;
}

export interface ImageFolderOptions {
  /** Resize every image to [height, width]. Default: every image must have the first one's size. */
  size?: readonly [number, number];
  /** 1 (grey) or 3 (RGB). Default: 1 when every image is grey, else 3. Alpha is dropped. */
  channels?: 1 | 3;
  /** Share held out for testing when the folder has no `train`/`test` subfolders. Default 0.2. */
  testFraction?: number;
  /** The image decoder. Default: pure JavaScript in Node.js, the browser's own in a page. */
  decode?: ImageDecoder;
  /**
   * Resize, crop and normalise as a pretrained model expects (see `imagenetPreprocessing`):
   * every image becomes size×size RGB and the data set's normalization is the model's, not
   * one computed from the images. Replaces `size` and `channels`.
   */
  preprocessing?: ImagePreprocessing;
}

/** Files with these endings are decoded. */
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
/** Image files Residual cannot decode: an error, never silently left out of the data set. */
const UNSUPPORTED_EXTENSIONS = ['.gif', '.bmp', '.webp', '.tif', '.tiff', '.heic', '.avif'];
/** Fixes the split and the order of images; changing it changes every published number. */
const FOLDER_SEED = 20151210;

interface Entry {
  file: ImageFile;
  label: number;
  split: 'train' | 'test';
}

/**
 * Builds a data set from the files of an image folder laid out as torchvision's ImageFolder:
 * one subfolder per class (`cat/1.png`), either directly or under `train/` and `test/` (or
 * `val/`). Classes are the subfolder names in sorted order. Without `train`/`test`, a seeded,
 * stratified `testFraction` of each class is held out, the same on every machine.
 * @throws DatasetError naming the file and the problem, before any image is used.
 */
export async function imageDatasetFromFiles(
  files: readonly ImageFile[],
  name: string,
  decode: ImageDecoder,
  options: ImageFolderOptions = {},
): Promise<ImageDataset> {
  const images = files
    .filter((file) => !file.path.split('/').some((part) => part.startsWith('.')))
    .filter((file) => {
      const extension = extensionOf(file.path);
      if (UNSUPPORTED_EXTENSIONS.includes(extension)) {
        throw new DatasetError(
          `${file.displayName}: ${extension} images are not supported; convert them to ${IMAGE_EXTENSIONS.join(', ')}.`,
        );
      }
      return IMAGE_EXTENSIONS.includes(extension);
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (images.length === 0) {
    throw new DatasetError(
      `${name}: no images found; expected one subfolder per class holding ${IMAGE_EXTENSIONS.join(', ')} files.`,
    );
  }
  const { entries, classNames } = assignClasses(images, name, options.testFraction ?? 0.2);
  const count = { train: 0, test: 0 };
  for (const entry of entries) count[entry.split]++;
  if (count.test === 0) {
    throw new DatasetError(
      `${name}: no test images; add a test/ folder or more images per class (${images.length} found).`,
    );
  }

  const { preprocessing } = options;
  const resizes = preprocessing !== undefined || options.size !== undefined;
  let size: readonly [number, number] | undefined =
    preprocessing === undefined ? options.size : [preprocessing.size, preprocessing.size];
  let first: DecodedImage | undefined;
  if (size === undefined) {
    first = await decode(await readFile(entries[0].file), entries[0].file.displayName);
    size = [first.height, first.width];
  }
  const [height, width] = size;
  const pixels = height * width;
  const rgb = {
    train: new Uint8Array(count.train * pixels * 3),
    test: new Uint8Array(count.test * pixels * 3),
  };
  const labels = { train: new Uint8Array(count.train), test: new Uint8Array(count.test) };
  const next = { train: 0, test: 0 };
  let allGrey = true;
  for (const [i, entry] of entries.entries()) {
    const { file } = entry;
    let image =
      i === 0 && first !== undefined ? first : await decode(await readFile(file), file.displayName);
    if (!resizes && (image.height !== height || image.width !== width)) {
      throw new DatasetError(
        `${file.displayName}: the image is ${image.height}×${image.width}, the others ${height}×${width}; pass a size to resize them all.`,
      );
    }
    const at = next[entry.split]++;
    const target = rgb[entry.split].subarray(at * pixels * 3, (at + 1) * pixels * 3);
    if (preprocessing !== undefined) {
      target.set(preprocessImage(image, preprocessing));
      labels[entry.split][at] = entry.label;
      allGrey = false;
      continue;
    }
    image = resizeBilinear(image, height, width);
    for (let p = 0; p < pixels; p++) {
      const r = image.rgba[4 * p];
      const g = image.rgba[4 * p + 1];
      const b = image.rgba[4 * p + 2];
      target[3 * p] = r;
      target[3 * p + 1] = g;
      target[3 * p + 2] = b;
      if (r !== g || g !== b) allGrey = false;
    }
    labels[entry.split][at] = entry.label;
  }
  const channels = preprocessing === undefined ? (options.channels ?? (allGrey ? 1 : 3)) : 3;
  const toSplit = (split: 'train' | 'test'): ImageSplit => ({
    images: channels === 3 ? rgb[split] : rgbToGrey(rgb[split]),
    labels: labels[split],
    count: count[split],
    imageShape: [height, width, channels],
  });
  const train = toSplit('train');
  return {
    name,
    train,
    test: toSplit('test'),
    numClasses: classNames.length,
    classNames,
    normalization: preprocessing?.normalization ?? computeNormalization(train),
  };
}

/** Labels every file by its class folder and puts it in the train or the test split. */
function assignClasses(
  files: readonly ImageFile[],
  name: string,
  testFraction: number,
): { entries: Entry[]; classNames: string[] } {
  const tops = new Set(files.map((file) => file.path.split('/')[0]));
  const testFolder = ['test', 'val', 'validation'].find((folder) => tops.has(folder));
  const split = tops.has('train') && testFolder !== undefined;
  const located = files.map((file) => {
    const parts = file.path.split('/');
    const depth = split ? 2 : 1;
    if (parts.length <= depth) {
      throw new DatasetError(
        `${file.displayName}: not inside a class folder; put each image in a subfolder named after its class${split ? ' under train/ or test/' : ''}.`,
      );
    }
    if (split && parts[0] !== 'train' && parts[0] !== testFolder) {
      throw new DatasetError(
        `${file.displayName}: outside train/ and ${testFolder}/; with those folders every image belongs in one of them.`,
      );
    }
    return {
      file,
      className: parts[depth - 1],
      split: (split && parts[0] !== 'train' ? 'test' : 'train') as Entry['split'],
    };
  });
  const classNames = [
    ...new Set(located.filter((l) => l.split === 'train').map((l) => l.className)),
  ].sort();
  if (classNames.length > 256) {
    throw new DatasetError(`${name}: ${classNames.length} classes; at most 256 are supported.`);
  }
  const labelOf = new Map(classNames.map((className, label) => [className, label]));
  const entries: Entry[] = located.map((l) => {
    const label = labelOf.get(l.className);
    if (label === undefined) {
      throw new DatasetError(
        `${l.file.displayName}: class "${l.className}" has no training images (classes: ${classNames.join(', ')}).`,
      );
    }
    return { file: l.file, label, split: l.split };
  });
  if (!split) holdOut(entries, classNames.length, testFraction);
  // A fixed shuffle mixes the classes, so any prefix of a split is a fair sample of it.
  return { entries: new Rng(FOLDER_SEED).shuffle(entries), classNames };
}

/** Moves a stratified, seeded `fraction` of each class to the test split. */
function holdOut(entries: Entry[], numClasses: number, fraction: number): void {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`testFraction must be between 0 and 1, got ${fraction}.`);
  }
  const perClass: Entry[][] = Array.from({ length: numClasses }, () => []);
  for (const entry of entries) perClass[entry.label].push(entry);
  const counts = stratifiedCounts(
    perClass.map((members) => members.length),
    fraction,
  );
  perClass.forEach((members, label) => {
    const chosen = new Rng(FOLDER_SEED + label).shuffle(members.slice()).slice(0, counts[label]);
    for (const entry of chosen) entry.split = 'test';
  });
}

async function readFile(file: ImageFile): Promise<Uint8Array> {
  try {
    return await file.read();
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const code = (error as { code?: string }).code;
    throw new DatasetError(
      `${file.displayName}: cannot read the file (${code ?? (error as Error).message}).`,
    );
  }
}

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}
