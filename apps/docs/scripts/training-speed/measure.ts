import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** What one run of {@link measureTraining} found. */
export interface TrainingSpeed {
  backend: string;
  /** Threads of tfjs's WASM kernels (1: the single-threaded binary). */
  wasmThreads: number;
  batch: number;
  steps: number;
  imagesPerSecond: number;
}

/**
 * Trains cifar_resnet20 on one fixed batch of random 32×32×3 images (speed does not depend on
 * the pixels) with SGD: `warmup` steps first (kernel compilation, XNNPACK operator caches,
 * the thread pool's start), then `steps` timed steps. The same code runs in Node and Chromium,
 * on whatever backend the caller initialised.
 */
export async function measureTraining(batch = 32, steps = 5, warmup = 2): Promise<TrainingSpeed> {
  const model = createModel('cifar_resnet20', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const images = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
  for (let i = 0; i < warmup; i++) await model.trainOnBatch(images, labels);
  const started = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(images, labels);
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([images, labels]);
  model.dispose();
  const backend = tf.getBackend();
  return {
    backend,
    wasmThreads: backend === 'wasm' ? getThreadsCount() : 1,
    batch,
    steps,
    imagesPerSecond: (batch * steps) / seconds,
  };
}
