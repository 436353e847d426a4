import {
  COCO_WITH_VOC_LABELS,
  type ImagePreprocessing,
  imagenetPreprocessing,
  segmentationPreprocessing,
  vocPalette,
} from '@residual/datasets';
import type { InferenceInfo } from './inference-file.js';
import { classNamesFor } from './pretrained-options.js';
import { UsageError } from './usage-error.js';

/** Masks are one byte per pixel, so a segmentation model labels at most this many classes. */
const MAX_MASK_CLASSES = 256;

/**
 * The preprocessing the library that publishes `model`'s weights defines (torchvision, timm,
 * Keras), or undefined when no library publishes weights for it.
 */
export function sourcePreprocessing(model: string): ImagePreprocessing | undefined {
  return imagenetPreprocessing(model) ?? segmentationPreprocessing(model);
}

/**
 * inference.json for `model` with weights from its source library that label `classes`
 * classes: `preprocessing` (the library's, from `sourcePreprocessing`, at the size the model
 * takes) and the library's class names. A segmentation model (torchvision's FCN and DeepLabv3)
 * also gets its image shape and Pascal VOC's colours, so `residual predict` draws masks and
 * `residual eval` scores it on a VOC folder.
 * @throws UsageError for a segmentation model of more classes than a mask can hold.
 */
export function pretrainedInference(
  model: string,
  preprocessing: ImagePreprocessing,
  classes: number,
): InferenceInfo {
  if (segmentationPreprocessing(model) === undefined) {
    return { preprocessing, classNames: classNamesFor(classes) };
  }
  if (classes > MAX_MASK_CLASSES) {
    throw new UsageError(
      `${model}: the weights label ${classes} classes; masks hold at most ${MAX_MASK_CLASSES}.`,
    );
  }
  const palette = vocPalette(classes);
  return {
    preprocessing,
    classNames:
      classes === COCO_WITH_VOC_LABELS.length ? COCO_WITH_VOC_LABELS : classNamesFor(classes),
    segmentation: {
      imageShape: [preprocessing.size, preprocessing.size, 3],
      palette: Array.from(
        { length: classes },
        (_, c) => Array.from(palette.subarray(3 * c, 3 * c + 3)) as [number, number, number],
      ),
    },
  };
}
