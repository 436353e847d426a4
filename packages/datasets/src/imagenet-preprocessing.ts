import type { Normalization } from './image-dataset.js';
import type { ImagePreprocessing } from './image-preprocessing.js';

/** ImageNet's channel statistics, as torchvision and timm normalise with them. */
export const IMAGENET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** torchvision's `ImageClassification` transform: resize 256, centre crop 224, bilinear. */
const TORCHVISION: ImagePreprocessing = {
  source: 'torchvision',
  size: 224,
  cropFraction: 0.875,
  interpolation: 'bilinear',
  normalization: IMAGENET_NORMALIZATION,
};

/** timm's `pretrained_cfg` of the default weights (checked against timm 1.0). */
function timm(tag: string, cropFraction: number): ImagePreprocessing {
  return {
    source: `timm (${tag})`,
    size: 224,
    cropFraction,
    interpolation: 'bicubic',
    normalization: IMAGENET_NORMALIZATION,
  };
}

/** Keras applications' ResNetV2 `preprocess_input` ("tf" mode: x / 127.5 − 1) on a 224×224 resize. */
const KERAS_V2: ImagePreprocessing = {
  source: 'keras',
  size: 224,
  interpolation: 'bilinear',
  normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
};

/**
 * The preprocessing each pretrained-weights source defines for the models Residual imports,
 * by registry name: what an image must go through for the imported weights to see what they
 * were trained on.
 */
export const IMAGENET_PREPROCESSING: Readonly<Record<string, ImagePreprocessing>> = {
  resnet18: TORCHVISION,
  resnet34: TORCHVISION,
  resnet50: TORCHVISION,
  resnet101: TORCHVISION,
  resnet152: TORCHVISION,
  resnext50_32x4d: TORCHVISION,
  resnext101_32x8d: TORCHVISION,
  resnext101_64x4d: TORCHVISION,
  wide_resnet50_2: TORCHVISION,
  wide_resnet101_2: TORCHVISION,
  resnet50d: timm('resnet50d.ra2_in1k', 0.875),
  seresnet50: timm('seresnet50.a1_in1k', 0.95),
  resnet50v2: KERAS_V2,
  resnet101v2: KERAS_V2,
  resnet152v2: KERAS_V2,
};

/** The ImageNet preprocessing of `model`'s pretrained weights, or undefined when it has none. */
export function imagenetPreprocessing(model: string): ImagePreprocessing | undefined {
  return Object.hasOwn(IMAGENET_PREPROCESSING, model) ? IMAGENET_PREPROCESSING[model] : undefined;
}
