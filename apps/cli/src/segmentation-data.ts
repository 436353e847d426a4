import {
  DatasetError,
  type DatasetTask,
  loadSegmentationDataset,
  type SegmentationDataset,
  type SegmentationSplit,
} from '@residual/datasets';
import { getModelEntry } from '@residual/models';
import { UsageError } from './usage-error.js';

const SIZE_ADVICE = /pass a size to resize them all/;

/** The data set a segmentation model trains on when --dataset is not given. */
export const DEFAULT_SEGMENTATION_DATASET = 'shapes';

/** The data sets that are generated, and so can have as many training images as asked for. */
const GENERATED = ['shapes', 'digit-mosaics'];

/**
 * Loads a segmentation data set for `command`: shapes and digit-mosaics generated at `size`×`size`
 * (their generators draw at any size) with `trainImages` training images (their default when
 * undefined; the test images do not change), a folder's images and masks resized to it (bilinear
 * and nearest); without a size, the data set's own. Bad files in a folder are `DatasetError`s
 * naming the file. @throws UsageError naming --image-size when a generator cannot draw at that
 * size, or --train-images for a data set that is not generated.
 */
export async function loadSegmentationFor(
  source: string,
  size: number | undefined,
  command: string,
  trainImages?: number,
): Promise<SegmentationDataset> {
  if (trainImages !== undefined && !GENERATED.includes(source)) {
    throw new UsageError(
      `${command} --train-images: only for the generated data sets (${GENERATED.join(', ')}); ${source} has the images it has (--limit trains on fewer).`,
    );
  }
  try {
    return await loadSegmentationDataset(source, {
      shapes: { size, trainCount: trainImages },
      digitMosaics: { size, trainCount: trainImages },
      folder: size === undefined ? undefined : { size: [size, size] },
    });
  } catch (error) {
    // The generators check their own options with RangeErrors; the size is the only one given.
    if (error instanceof RangeError && size !== undefined) {
      throw new UsageError(`${command} --image-size: ${source}: ${error.message}`);
    }
    // A folder of images of several sizes: the library's advice, in the command's words.
    if (error instanceof DatasetError && SIZE_ADVICE.test(error.message)) {
      throw new UsageError(
        error.message.replace(SIZE_ADVICE, 'give --image-size n to resize them all'),
      );
    }
    throw error;
  }
}

/** The first `count` images of a split, with their masks (views, not copies). */
export function firstImages(
  split: SegmentationSplit,
  count: number | undefined,
): SegmentationSplit {
  if (count === undefined || count >= split.count) return split;
  const [height, width, channels] = split.imageShape;
  return {
    ...split,
    images: split.images.subarray(0, count * height * width * channels),
    masks: split.masks.subarray(0, count * height * width),
    count,
  };
}

/** Whether the registry entry `name` is a segmentation model (false for unknown names). */
export function isSegmentationModel(name: string): boolean {
  try {
    return getModelEntry(name).task === 'semantic-segmentation';
  } catch {
    return false;
  }
}

/**
 * Refuses a model whose task is not the data set's, before anything loads: a classifier on masks
 * or a segmentation model on whole-image labels. `task` is `datasetTask(dataset)`.
 * @throws UsageError naming --dataset, the data set, the model and what would fit.
 */
export function checkTaskFits(
  model: string,
  dataset: string,
  task: DatasetTask,
  command: string,
): void {
  const segmenter = isSegmentationModel(model);
  if (task === 'segmentation' && !segmenter) {
    throw new UsageError(
      `${command} --dataset: ${dataset} is a segmentation data set (a class per pixel) and ${model} a classifier (a class per image); give a segmentation model (unet_resnet18, fpn_resnet18, fcn_resnet50, deeplabv3_resnet50; see 'residual models').`,
    );
  }
  if (task === 'classification' && segmenter) {
    throw new UsageError(
      `${command} --dataset: ${dataset} is a classification data set (a class per image) and ${model} a segmentation model (a class per pixel); give a segmentation data set (shapes, digit-mosaics, or a folder of images and masks).`,
    );
  }
}
