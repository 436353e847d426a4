import type { ImagePreprocessing } from './image-preprocessing.js';
import { IMAGENET_NORMALIZATION } from './imagenet-preprocessing.js';
import { VOC_CLASSES } from './segmentation-layout.js';

/**
 * The 21 classes of torchvision's published FCN and DeepLabv3 weights (`COCO_WITH_VOC_LABELS_V1`:
 * trained on the COCO images of Pascal VOC's 20 classes), as torchvision's weights metadata
 * names them: Pascal VOC's classes in VOC's order, background written `__background__`.
 */
export const COCO_WITH_VOC_LABELS: readonly string[] = ['__background__', ...VOC_CLASSES.slice(1)];

/**
 * torchvision's `SemanticSegmentation(resize_size=520)`, the transform of those weights:
 * bilinear resize, then ImageNet's mean and std. torchvision resizes the shorter side to 520
 * and keeps the aspect ratio; our models take a fixed square, so an image is resized whole to
 * size×size (no crop).
 */
const TORCHVISION_SEGMENTATION: ImagePreprocessing = {
  source: 'torchvision (COCO_WITH_VOC_LABELS_V1)',
  size: 520,
  interpolation: 'bilinear',
  normalization: IMAGENET_NORMALIZATION,
};

/**
 * The preprocessing each pretrained-weights source defines for the segmentation models Residual
 * imports, by registry name. U-Net and FPN have none: no library publishes weights in their
 * layout, so they train here.
 */
export const SEGMENTATION_PREPROCESSING: Readonly<Record<string, ImagePreprocessing>> = {
  fcn_resnet50: TORCHVISION_SEGMENTATION,
  fcn_resnet101: TORCHVISION_SEGMENTATION,
  deeplabv3_resnet50: TORCHVISION_SEGMENTATION,
  deeplabv3_resnet101: TORCHVISION_SEGMENTATION,
};

/** The preprocessing of segmentation model `model`'s pretrained weights, or undefined when it has none. */
export function segmentationPreprocessing(model: string): ImagePreprocessing | undefined {
  return Object.hasOwn(SEGMENTATION_PREPROCESSING, model)
    ? SEGMENTATION_PREPROCESSING[model]
    : undefined;
}
