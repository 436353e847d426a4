import type { ImageSplit, Normalization } from '@residual/datasets';

/** What training needs of a data set; an `ImageDataset` from @residual/datasets fits. */
export interface TrainingData {
  train: ImageSplit;
  /** Held-out images evaluated after every epoch, when given. */
  test?: ImageSplit;
  numClasses: number;
  normalization?: Normalization;
}
