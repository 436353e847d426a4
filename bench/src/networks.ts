import { createModel, foldBatchNorm, getModelEntry } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { median, medianStepSeconds, type Stepper } from './timing.js';
import type { TorchWorker } from './torch.js';
import type { Layout } from './torch-peers.js';

export interface NetworkCase {
  model: string;
  /** `infer-folded`: inference with batch norms folded into the convolutions (`foldBatchNorm`). */
  mode: 'train' | 'infer' | 'infer-folded';
  batch: number;
  /** Square input size. */
  size: number;
}

/**
 * Training, inference and folded inference of each model: CIFAR networks at 32² in each of
 * `batches`, ImageNet networks at 224² in batch 16.
 */
export function networkCases(models: readonly string[], batches: readonly number[]): NetworkCase[] {
  return models.flatMap((model) => {
    const imagenet = !model.startsWith('cifar_');
    return (imagenet ? [16] : batches).flatMap((batch) =>
      (['train', 'infer', 'infer-folded'] as const).map((mode) => ({
        model,
        mode,
        batch,
        size: imagenet ? 224 : 32,
      })),
    );
  });
}

/** One training step (SGD + momentum, softmax cross-entropy) or one inference, synchronously. */
function stepper(c: NetworkCase): Stepper {
  const built = createModel(c.model, { inputShape: [c.size, c.size, 3], numClasses: 10, seed: 1 });
  const model = c.mode === 'infer-folded' ? foldBatchNorm(built).model : built;
  const x = tf.randomNormal([c.batch, c.size, c.size, 3], 0, 1, 'float32', 4);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: c.batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const optimizer = tf.train.momentum(0.01, 0.9);
  const step =
    c.mode === 'train'
      ? () => {
          const loss = optimizer.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(
                labels,
                model.apply(x, { training: true }) as tf.Tensor,
              ),
            true,
          )!;
          loss.dataSync();
          loss.dispose();
        }
      : () => {
          const y = model.predict(x, { batchSize: c.batch }) as tf.Tensor;
          y.dataSync();
          y.dispose();
        };
  return {
    step,
    dispose: () => {
      tf.dispose([x, labels]);
      optimizer.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar of its SGD base.
      (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
      model.dispose();
      if (built !== model) built.dispose();
    },
  };
}

/** Seconds per step of ours on the active backend: `warmup` steps, then the median of `steps`. */
export function timeNetwork(c: NetworkCase, warmup: number, steps: number): number {
  return medianStepSeconds(stepper(c), warmup, steps);
}

/** The same in PyTorch in `layout`, or undefined when it has no counterpart of the model. */
export async function timeTorchNetwork(
  torch: TorchWorker,
  c: NetworkCase,
  layout: Layout,
  threads: number,
  warmup: number,
  steps: number,
): Promise<number | undefined> {
  const answer = await torch.request({
    kind: 'model',
    name: c.model,
    mode: c.mode,
    batch: c.batch,
    size: c.size,
    channels: 3,
    classes: 10,
    layout,
    threads,
    warmup,
    steps,
  });
  return answer.times === undefined ? undefined : median(answer.times as number[]);
}

/** Live tensors after the first and after the 20th training step, and the peak RSS. */
export function memoryOverSteps(
  c: NetworkCase,
  steps = 20,
): {
  tensorsAfterFirstStep: number;
  tensorsAfterLastStep: number;
  steps: number;
} {
  const { step, dispose } = stepper(c);
  try {
    step();
    const tensorsAfterFirstStep = tf.memory().numTensors;
    for (let i = 1; i < steps; i++) step();
    return { tensorsAfterFirstStep, tensorsAfterLastStep: tf.memory().numTensors, steps };
  } finally {
    dispose();
  }
}

export function modelExists(name: string): boolean {
  try {
    getModelEntry(name);
    return true;
  } catch {
    return false;
  }
}
