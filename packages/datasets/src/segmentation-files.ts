import { Rng } from '@residual/backend';
import { DatasetError } from './dataset-error.js';
import type { ImageDecoder } from './decode-image.js';
import { decodeMask } from './decode-mask.js';
import type { ImageFile } from './image-files.js';
import { computeNormalization } from './normalization.js';
import { resizeBilinear } from './resize.js';
import { resizeNearest } from './resize-mask.js';
import {
  IGNORE_INDEX,
  type SegmentationDataset,
  type SegmentationSplit,
} from './segmentation-dataset.js';
import {
  pairSegmentationFiles,
  type SegmentationPair,
  VOC_CLASSES,
} from './segmentation-layout.js';
import { vocPalette } from './voc-palette.js';

export interface SegmentationFolderOptions {
  /**
   * Resize every image (bilinear) and mask (nearest) to [height, width]. Default: every image
   * must have the first one's size. Pascal VOC's images differ in size, so it needs one.
   */
  size?: readonly [number, number];
  /** 1 (grey) or 3 (RGB). Default: 1 when every image is grey, else 3. Alpha is dropped. */
  channels?: 1 | 3;
  /**
   * The classes, in mask-value order. Default: Pascal VOC's 21 for a VOC folder; else the
   * lines of `classes.txt` beside `images/`, else one class per value up to the largest found.
   */
  classNames?: readonly string[];
  /** Share held out for testing when the folder names no split. Default 0.2. */
  testFraction?: number;
  /** The image decoder (masks are always read as raw PNG values). Default: pure JavaScript. */
  decode?: ImageDecoder;
}

/** Fixes the split when the folder names none; changing it changes every published number. */
const FOLDER_SEED = 20151210;

/**
 * Builds a segmentation data set from the files of a folder in Pascal VOC's layout or as
 * `images/` beside `masks/` (see `pairSegmentationFiles`). Every image and mask is decoded and
 * checked before anything is returned.
 * @throws DatasetError naming the file: an image without a mask, a mask that is not a PNG,
 *   whose size differs from its image's, or that holds a value that is neither a class nor 255.
 */
export async function segmentationDatasetFromFiles(
  files: readonly ImageFile[],
  name: string,
  decode: ImageDecoder,
  options: SegmentationFolderOptions = {},
): Promise<SegmentationDataset> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const layout = await pairSegmentationFiles(sorted, name);
  if (layout.pairs.length === 0) throw new DatasetError(`${name}: no image has a mask.`);
  const pairs = layout.splitGiven
    ? layout.pairs
    : holdOut(layout.pairs, options.testFraction ?? 0.2, name);
  const givenNames =
    options.classNames ??
    (layout.kind === 'voc'
      ? VOC_CLASSES
      : layout.classNames && (await readClassNames(layout.classNames)));
  if (givenNames !== undefined && (givenNames.length < 1 || givenNames.length > IGNORE_INDEX)) {
    throw new DatasetError(
      `${name}: ${givenNames.length} classes; between 1 and ${IGNORE_INDEX} are supported (${IGNORE_INDEX} marks pixels to ignore).`,
    );
  }

  let size = options.size;
  const decoded: { rgb: Uint8Array; mask: Uint8Array; pair: SegmentationPair }[] = [];
  let allGrey = true;
  let palette: Uint8Array | undefined;
  let largest = 0;
  for (const pair of pairs) {
    const image = await decode(await readFile(pair.image), pair.image.displayName);
    const mask = await decodeMask(await readFile(pair.mask), pair.mask.displayName);
    if (mask.height !== image.height || mask.width !== image.width) {
      throw new DatasetError(
        `${pair.mask.displayName}: the mask is ${mask.height}×${mask.width}, but its image ${pair.image.displayName} is ${image.height}×${image.width}.`,
      );
    }
    for (let p = 0; p < mask.values.length; p++) {
      const value = mask.values[p];
      if (value === IGNORE_INDEX) continue;
      if (givenNames !== undefined && value >= givenNames.length) {
        throw new DatasetError(
          `${pair.mask.displayName}: value ${value} at row ${Math.floor(p / mask.width)}, column ${p % mask.width} is not a class; there are ${givenNames.length} classes (0-${givenNames.length - 1}) and ${IGNORE_INDEX} marks pixels to ignore.`,
        );
      }
      if (value > largest) largest = value;
    }
    palette ??= mask.palette;
    if (size === undefined) size = [image.height, image.width];
    const [height, width] = size;
    if (options.size === undefined && (image.height !== height || image.width !== width)) {
      throw new DatasetError(
        `${pair.image.displayName}: the image is ${image.height}×${image.width}, the others ${height}×${width}; pass a size to resize them all.`,
      );
    }
    const resized = resizeBilinear(image, height, width);
    const rgb = new Uint8Array(height * width * 3);
    for (let p = 0; p < height * width; p++) {
      const [r, g, b] = resized.rgba.subarray(4 * p, 4 * p + 3);
      rgb.set([r, g, b], 3 * p);
      if (r !== g || g !== b) allGrey = false;
    }
    decoded.push({
      rgb,
      mask: resizeNearest(mask.values, image.height, image.width, height, width),
      pair,
    });
  }

  const [height, width] = size as readonly [number, number];
  const channels = options.channels ?? (allGrey ? 1 : 3);
  const toSplit = (which: 'train' | 'test'): SegmentationSplit => {
    const members = decoded.filter((entry) => entry.pair.split === which);
    const images = new Uint8Array(members.length * height * width * channels);
    const masks = new Uint8Array(members.length * height * width);
    members.forEach((entry, n) => {
      masks.set(entry.mask, n * height * width);
      const target = images.subarray(n * height * width * channels);
      for (let p = 0; p < height * width; p++) {
        const [r, g, b] = entry.rgb.subarray(3 * p, 3 * p + 3);
        if (channels === 3) target.set([r, g, b], 3 * p);
        // Grey as the red channel when R = G = B, else ITU-R BT.601 luma.
        else target[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    });
    return { images, masks, count: members.length, imageShape: [height, width, channels] };
  };
  const train = toSplit('train');
  const test = toSplit('test');
  if (train.count === 0 || test.count === 0) {
    throw new DatasetError(
      `${name}: no ${train.count === 0 ? 'training' : 'test'} images; ${layout.kind === 'voc' ? 'list some in ImageSets/Segmentation/train.txt and val.txt' : 'add more image and mask pairs, or train/ and test/ folders'}.`,
    );
  }
  const classNames = givenNames ?? Array.from({ length: largest + 1 }, (_, i) => String(i));
  const colours = vocPalette();
  if (palette !== undefined && layout.kind !== 'voc') colours.set(palette.subarray(0, 768));
  return {
    name,
    task: 'segmentation',
    train,
    test,
    numClasses: classNames.length,
    classNames,
    palette: colours,
    normalization: computeNormalization(train),
  };
}

/** Moves a seeded `fraction` of the pairs to the test split, the same on every machine. */
function holdOut(
  pairs: readonly SegmentationPair[],
  fraction: number,
  name: string,
): SegmentationPair[] {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`testFraction must be between 0 and 1, got ${fraction}.`);
  }
  const order = new Rng(FOLDER_SEED).shuffle(Array.from(pairs.keys()));
  const held = new Set(order.slice(0, Math.round(pairs.length * fraction)));
  if (held.size === 0 || held.size === pairs.length) {
    throw new DatasetError(
      `${name}: ${pairs.length} image and mask pairs are too few to hold out ${fraction * 100}% for testing; add more, or train/ and test/ folders.`,
    );
  }
  return pairs.map((pair, i) => ({ ...pair, split: held.has(i) ? 'test' : 'train' }));
}

async function readClassNames(file: ImageFile): Promise<string[]> {
  const lines = new TextDecoder()
    .decode(await readFile(file))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines;
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
