// Input pipeline throughput and memory on a synthetic CIFAR-10-sized training set
// (50,000 × 32×32×3 bytes): one epoch of batches(), shuffled, augmented (pad 4, random crop,
// flip) and converted to normalised float32 tensors, as training consumes it.
//
//   pnpm --filter @residual/datasets bench [--backend cpu] [--epochs 2] [--batch-size 128]
//
// Prints the numbers and writes them to bench/results/pipeline-<time>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import {
  batches,
  cifarAugmentation,
  getDatasetInfo,
  type ImageSplit,
  splitValidation,
  toTfDataset,
} from '../src/index.js';

/** ResNet-20 trains at about 300 images/s (PyTorch, 2 threads, PERFORMANCE.md): feed 20× that. */
const TRAINING_IMAGES_PER_SECOND = 300;
const REQUIRED_SPEEDUP = 20;
const RSS_ALLOWANCE_BYTES = 300 * 1024 * 1024;

const { values } = parseArgs({
  // `pnpm bench -- --x` passes the `--` on; it separates nothing here.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    backend: { type: 'string' },
    epochs: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '128' },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values['batch-size']);

const backend = await initBackend({ backend: values.backend });
const info = getDatasetInfo('cifar10');
const count = info.trainCount;
const imageBytes = 32 * 32 * 3;
const rawBytes = count * imageBytes;

/** Seeded noise in the shape of CIFAR-10's training set (the pipeline does not look at content). */
function syntheticCifar10(): ImageSplit {
  const rng = new Rng(1);
  const images = new Uint8Array(rawBytes);
  const words = new Uint32Array(images.buffer);
  for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32();
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));
  return { images, labels, count, imageShape: [32, 32, 3] };
}

const rssAtStart = process.memoryUsage().rss;
const split = syntheticCifar10();

let started = performance.now();
const { train, validation } = splitValidation(split, {
  count: info.validationCount,
  numClasses: 10,
});
const splitSeconds = (performance.now() - started) / 1000;

/** One pass of `batches` over `train`, every tensor created and disposed, as training does. */
function epochOfBatches(epoch: number, augment: boolean): number {
  let images = 0;
  for (const batch of batches(train, {
    batchSize,
    shuffle: true,
    seed: 1,
    epoch,
    normalization: info.normalization,
    augmentation: augment ? cifarAugmentation : undefined,
  })) {
    images += batch.indices.length;
    tf.dispose([batch.images, batch.labels]);
  }
  return images;
}

function timed(run: () => number): { images: number; seconds: number; imagesPerSecond: number } {
  const begin = performance.now();
  const images = run();
  const seconds = (performance.now() - begin) / 1000;
  return { images, seconds, imagesPerSecond: images / seconds };
}

epochOfBatches(99, true); // warm-up: JIT and the backend's first allocations
const augmented = timed(() => {
  let images = 0;
  for (let epoch = 0; epoch < epochs; epoch++) images += epochOfBatches(epoch, true);
  return images;
});
const plain = timed(() => epochOfBatches(0, false));

started = performance.now();
let tfImages = 0;
await toTfDataset(train, {
  batchSize,
  shuffle: true,
  seed: 1,
  numClasses: 10,
  normalization: info.normalization,
  augmentation: cifarAugmentation,
}).forEachAsync(({ xs, ys }) => {
  tfImages += xs.shape[0];
  tf.dispose([xs, ys]);
});
const tfDatasetSeconds = (performance.now() - started) / 1000;

const peakRssBytes = process.resourceUsage().maxRSS * 1024;
const required = TRAINING_IMAGES_PER_SECOND * REQUIRED_SPEEDUP;
const result = {
  benchmark: 'datasets/pipeline',
  date: new Date().toISOString(),
  node: process.version,
  backend,
  cpu: (await import('node:os')).cpus()[0]?.model,
  images: count,
  trainImages: train.count,
  validationImages: validation.count,
  batchSize,
  epochs,
  rawBytes,
  validationSplitSeconds: splitSeconds,
  augmentedImagesPerSecond: Math.round(augmented.imagesPerSecond),
  plainImagesPerSecond: Math.round(plain.imagesPerSecond),
  tfDatasetImagesPerSecond: Math.round(tfImages / tfDatasetSeconds),
  requiredImagesPerSecond: required,
  rssAtStartBytes: rssAtStart,
  peakRssBytes,
  peakRssLimitBytes: rawBytes + RSS_ALLOWANCE_BYTES,
  throughputOk: augmented.imagesPerSecond >= required,
  memoryOk: peakRssBytes <= rawBytes + RSS_ALLOWANCE_BYTES,
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
console.log(
  `input pipeline, synthetic CIFAR-10 (${count} × 32×32×3 = ${mb(rawBytes)}), ${backend} backend, batch ${batchSize}`,
);
console.log(`  45k/5k validation split (in place)   ${splitSeconds.toFixed(2)} s`);
console.log(
  `  batches + augmentation              ${result.augmentedImagesPerSecond} images/s (${epochs} epoch(s), ${augmented.seconds.toFixed(1)} s)`,
);
console.log(`  batches, no augmentation            ${result.plainImagesPerSecond} images/s`);
console.log(`  toTfDataset + augmentation          ${result.tfDatasetImagesPerSecond} images/s`);
console.log(
  `  required (20 × ResNet-20 training)  ${required} images/s: ${result.throughputOk ? 'met' : 'NOT met'}`,
);
console.log(
  `  peak RSS ${mb(peakRssBytes)} (at start ${mb(rssAtStart)}), limit ${mb(result.peakRssLimitBytes)}: ${result.memoryOk ? 'met' : 'NOT met'}`,
);

const folder = join(import.meta.dirname, '..', 'results');
mkdirSync(folder, { recursive: true });
const file = join(folder, `pipeline-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`  written to ${file}`);
