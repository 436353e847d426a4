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
export {
  CIFAR100_CLASSES,
  CIFAR100_SUPERCLASSES,
  type DatasetInfo,
  getDatasetInfo,
  listDatasets,
  type RemoteFile,
} from './catalog.js';
export {
  type CifarRecords,
  type CifarVariant,
  type ParseCifarOptions,
  parseCifar,
} from './cifar.js';
export { readCifarFiles } from './cifar-files.js';
export { DATA_DIR_ENV, type DataDirContext, defaultDataDir } from './data-dir.js';
export { DatasetError } from './dataset-error.js';
export { type DecodedImage, decodeImage, type ImageDecoder } from './decode-image.js';
export { decodeImageInBrowser } from './decode-image-browser.js';
export { type DecodedMask, decodeMask } from './decode-mask.js';
export { type DigitMosaicsOptions, digitMosaics, MOSAIC_CLASSES } from './digit-mosaics.js';
export { loadDigits, MNIST_NORMALIZATION, stratifiedCounts } from './digits.js';
export {
  type DownloadOptions,
  type DownloadProgress,
  downloadFile,
} from './download.js';
export { type IdxArray, type IdxType, parseIdx, readIdxFile, readIdxSplit } from './idx.js';
export {
  type ImageDataset,
  type ImageSplit,
  imageSize,
  type Normalization,
} from './image-dataset.js';
export { type ImageFile, type ImageFolderOptions, imageDatasetFromFiles } from './image-files.js';
export { readImageFiles, readImageFolder } from './image-folder.js';
export {
  type ImagePreprocessing,
  preprocessImage,
  withImageSize,
} from './image-preprocessing.js';
export { IMAGENET_CLASSES } from './imagenet-classes.js';
export {
  IMAGENET_NORMALIZATION,
  IMAGENET_PREPROCESSING,
  imagenetPreprocessing,
} from './imagenet-preprocessing.js';
export { type LoadDatasetOptions, loadDataset, locateDataset } from './load-dataset.js';
export {
  type LoadSegmentationOptions,
  loadSegmentationDataset,
} from './load-segmentation-dataset.js';
export { computeNormalization } from './normalization.js';
export { fetchImageDataset, packImageDataset, unpackImageDataset } from './packed-dataset.js';
export { type Interpolation, resample } from './resample.js';
export { type ImageShapeOptions, resizeDataset, resizeSplit } from './resize-dataset.js';
export {
  randomScaleCropFlip,
  type ScaleCropFlipOptions,
  type SegmentationAugmentation,
} from './segmentation-augmentation.js';
export {
  type SegmentationBatch,
  type SegmentationBatchOptions,
  segmentationBatches,
} from './segmentation-batches.js';
export {
  type DatasetTask,
  datasetTask,
  getSegmentationDatasetInfo,
  listSegmentationDatasets,
  type SegmentationDatasetInfo,
} from './segmentation-catalog.js';
export {
  IGNORE_INDEX,
  maskSize,
  type SegmentationDataset,
  type SegmentationSplit,
} from './segmentation-dataset.js';
export {
  type SegmentationFolderOptions,
  segmentationDatasetFromFiles,
} from './segmentation-files.js';
export {
  isSegmentationFolder,
  readSegmentationFiles,
  readSegmentationFolder,
} from './segmentation-folder.js';
export {
  pairSegmentationFiles,
  type SegmentationLayout,
  type SegmentationPair,
  segmentationLayoutKind,
  VOC_CLASSES,
} from './segmentation-layout.js';
export {
  COCO_WITH_VOC_LABELS,
  SEGMENTATION_PREPROCESSING,
  segmentationPreprocessing,
} from './segmentation-preprocessing.js';
export { SHAPE_CLASSES, type SyntheticShapesOptions, syntheticShapes } from './synthetic-shapes.js';
export {
  DEFAULT_TEXT_DATASET,
  getTextDatasetInfo,
  listTextDatasets,
  type TextDatasetInfo,
} from './text-catalog.js';
export {
  type LoadTextOptions,
  loadTextCorpus,
  readTextFile,
  type TextCorpus,
} from './text-corpus.js';
export {
  checkTextLength,
  loadTextDataset,
  type TextDataset,
  type TextDatasetOptions,
  textDataset,
} from './text-dataset.js';
export { decodeText } from './text-decode.js';
export {
  type TextBatch,
  type TextWindowOptions,
  textBatch,
  windowBatch,
  windowStarts,
} from './text-windows.js';
export { type TfDatasetOptions, toTfDataset } from './tf-dataset.js';
export {
  ByteTokenizer,
  CharTokenizer,
  createTokenizer,
  TOKENIZER_FILE,
  type Tokenizer,
  type TokenizerJson,
  tokenizerFromJson,
} from './tokenizer.js';
export { splitValidation, type ValidationSplitOptions } from './validation-split.js';
export { colorizeMask, vocPalette } from './voc-palette.js';
