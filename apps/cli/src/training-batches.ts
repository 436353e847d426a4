import { batchCount, batches, type ImageDataset } from '@residual/datasets';
import type { LabelledBatch } from '@residual/metrics';

/**
 * Step `step`'s batch of the shuffled training images: the same for every network, and
 * step 0's is the batch the gradients are measured on.
 */
export function trainingBatches(
  dataset: ImageDataset,
  batchSize: number,
  seed: number,
): (step: number) => LabelledBatch {
  const options = {
    batchSize,
    shuffle: true,
    seed,
    normalization: dataset.normalization,
    dropRemainder: true,
  };
  const perEpoch = batchCount(dataset.train, options);
  return (step) => {
    const generator = batches(dataset.train, {
      ...options,
      epoch: Math.floor(step / perEpoch),
      startBatch: step % perEpoch,
    });
    const { value } = generator.next();
    generator.return(undefined);
    return { images: value.images, labels: value.labels };
  };
}
