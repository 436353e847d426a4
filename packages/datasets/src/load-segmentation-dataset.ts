import { Rng } from '@residual/backend';
import { DatasetError } from './dataset-error.js';
import { type DigitMosaicsOptions, digitMosaics } from './digit-mosaics.js';
import { pathKind } from './files.js';
import { unknownDatasetOfAnyTask } from './segmentation-catalog.js';
import {
  maskSize,
  type SegmentationDataset,
  type SegmentationSplit,
} from './segmentation-dataset.js';
import type { SegmentationFolderOptions } from './segmentation-files.js';
import { readSegmentationFolder } from './segmentation-folder.js';
import { type SyntheticShapesOptions, syntheticShapes } from './synthetic-shapes.js';

export interface LoadSegmentationOptions {
  /**
   * Hold images out of the training set as `validation`: `true` for a tenth of them, or a
   * number. A seeded choice, the same on every machine. Default none.
   */
  validation?: boolean | number;
  /** How `shapes` is generated (counts, size, seed). */
  shapes?: SyntheticShapesOptions;
  /** How `digit-mosaics` is generated (counts, size, digits per mosaic, seed). */
  digitMosaics?: DigitMosaicsOptions;
  /** How a folder is read, when `source` is one (a `size` is needed for Pascal VOC). */
  folder?: SegmentationFolderOptions;
}

/** Fixes which images are held out for validation. */
const VALIDATION_SEED = 20151210;

/**
 * Loads a segmentation data set by name (`shapes`, `digit-mosaics`: generated, nothing to
 * download) or from a folder (Pascal VOC's layout, or `images/` beside `masks/`). Use
 * `datasetTask(source)` to tell whether a source is for this or for `loadDataset`.
 *
 * ```ts
 * const shapes = await loadSegmentationDataset('shapes', { validation: true });
 * const voc = await loadSegmentationDataset('./VOCdevkit/VOC2012', { folder: { size: [256, 256] } });
 * ```
 * @throws DatasetError for an unknown name, a folder that is not a segmentation folder, or a
 *   bad file in it (named).
 */
export async function loadSegmentationDataset(
  source: string,
  options: LoadSegmentationOptions = {},
): Promise<SegmentationDataset> {
  let dataset: SegmentationDataset;
  if (source === 'shapes') dataset = syntheticShapes(options.shapes);
  else if (source === 'digit-mosaics') dataset = await digitMosaics(options.digitMosaics);
  else if (/[/\\]/.test(source) || source.startsWith('.') || (await pathKind(source))) {
    const kind = await pathKind(source);
    if (kind !== 'directory') {
      throw new DatasetError(
        kind === 'file'
          ? `${source}: expected a segmentation folder, found a file.`
          : `${source}: no such folder.`,
      );
    }
    dataset = await readSegmentationFolder(source, options.folder);
  } else {
    throw unknownDatasetOfAnyTask(source);
  }
  const { validation } = options;
  if (validation === undefined || validation === false || validation === 0) return dataset;
  const count = validation === true ? Math.round(dataset.train.count / 10) : validation;
  if (!Number.isInteger(count) || count < 1 || count >= dataset.train.count) {
    throw new DatasetError(
      `validation: ${count} images cannot be held out of ${dataset.train.count} training images; give 1 to ${dataset.train.count - 1}.`,
    );
  }
  const order = new Rng(VALIDATION_SEED).shuffle(
    Int32Array.from({ length: dataset.train.count }, (_, i) => i),
  );
  const held = order.slice(0, count).sort();
  const kept = order.slice(count).sort();
  return {
    ...dataset,
    train: gather(dataset.train, kept),
    validation: gather(dataset.train, held),
  };
}

function gather(split: SegmentationSplit, indices: Int32Array): SegmentationSplit {
  const [height, width, channels] = split.imageShape;
  const imageSize = height * width * channels;
  const pixels = maskSize(split);
  const images = new Uint8Array(indices.length * imageSize);
  const masks = new Uint8Array(indices.length * pixels);
  indices.forEach((index, row) => {
    images.set(split.images.subarray(index * imageSize, (index + 1) * imageSize), row * imageSize);
    masks.set(split.masks.subarray(index * pixels, (index + 1) * pixels), row * pixels);
  });
  return { images, masks, count: indices.length, imageShape: split.imageShape };
}
