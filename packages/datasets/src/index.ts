export {
  type Augmentation,
  type CropAndFlipOptions,
  cifarAugmentation,
  randomCropAndFlip,
} from './augmentation.js';
export {
  type Batch,
  type BatchOptions,
  batchCount,
  batches,
  epochOrder,
} from './batches.js';
export { DatasetError } from './dataset-error.js';
export { loadDigits, MNIST_NORMALIZATION, stratifiedCounts } from './digits.js';
export { type IdxArray, type IdxType, parseIdx, readIdxFile, readIdxSplit } from './idx.js';
export {
  type ImageDataset,
  type ImageSplit,
  imageSize,
  type Normalization,
} from './image-dataset.js';
export { fetchImageDataset, packImageDataset, unpackImageDataset } from './packed-dataset.js';
