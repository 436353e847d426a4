import { batches, type ImageDataset, type ImageSplit } from '@residual/datasets';
import { gradientFlow, type LabelledBatch, type LayerGradient } from '@residual/metrics';
import { createModel, listModels } from '@residual/models';
import { train } from '@residual/train';
import type * as tf from '@tensorflow/tfjs';

export type Network = 'plain' | 'residual';
export const NETWORKS: readonly Network[] = ['plain', 'residual'];

export interface SideBySideOptions {
  /** Weighted layers of both networks (6n + 2, as registered: 8, 20, 32, …). */
  depth: number;
  /** Optimizer steps each network takes. */
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Seeds both networks' weights and their (shared) data order. */
  seed: number;
  /** Measure per-layer gradient norms at step 0 and every this many steps. */
  gradientEvery: number;
  data: ImageDataset;
  signal?: AbortSignal;
  onStep?(event: { network: Network; step: number; loss: number }): void;
  onGradients?(event: { network: Network; step: number; layers: LayerGradient[] }): void;
}

/** The depths at which the registry has both a plain and a residual CIFAR network. */
export function pairedDepths(): number[] {
  const names = new Set(listModels().map((entry) => entry.name));
  return [...names]
    .map((name) => /^cifar_resnet(\d+)$/.exec(name)?.[1])
    .filter((depth): depth is string => depth !== undefined && names.has(`cifar_plain${depth}`))
    .map(Number)
    .sort((a, b) => a - b);
}

export function modelName(network: Network, depth: number): string {
  return network === 'plain' ? `cifar_plain${depth}` : `cifar_resnet${depth}`;
}

/**
 * Trains a plain network and the residual network of the same depth (He et al. 2015, §4.2)
 * side by side on the same images in the same order, one step each in turn, reporting every
 * step's loss and, now and then, the gradient norm of every layer. Yields to the browser after
 * each step so the page can draw.
 */
export async function trainSideBySide(options: SideBySideOptions): Promise<void> {
  const { data, steps, batchSize } = options;
  const trainSplit = firstImages(data.train, steps * batchSize);
  await Promise.all(
    NETWORKS.map(async (network) => {
      const model = createModel(modelName(network, options.depth), {
        inputShape: [...data.train.imageShape],
        numClasses: data.numClasses,
        seed: options.seed,
      });
      const probe = batches(data.test, {
        batchSize,
        normalization: data.normalization,
      }).next().value!;
      const measure = (step: number) =>
        options.onGradients?.({
          network,
          step,
          layers: convolutionGradients(model, probe),
        });
      try {
        measure(0);
        await nextFrame();
        await train({
          model,
          data: {
            train: trainSplit,
            numClasses: data.numClasses,
            normalization: data.normalization,
          },
          epochs: 1,
          batchSize,
          learningRate: options.learningRate,
          seed: options.seed,
          signal: options.signal,
          callbacks: {
            onBatchEnd: async ({ step, loss }) => {
              options.onStep?.({ network, step, loss });
              if (step % options.gradientEvery === 0 || step === steps) measure(step);
              await nextFrame();
            },
          },
        });
      } finally {
        disposeAll([probe.images, probe.labels]);
        model.dispose();
      }
    }),
  );
}

/**
 * The gradient of every convolution on one batch, input end first: @residual/metrics'
 * `gradientFlow` without the batch norms and the classifier (whose gradient does not travel
 * through the depth). The gradient reaching the first layers is what residual connections
 * protect (He et al. 2016, "Identity Mappings in Deep Residual Networks", §2).
 */
export function convolutionGradients(model: tf.LayersModel, batch: LabelledBatch): LayerGradient[] {
  return gradientFlow(model, batch).layers.filter((layer) => layer.className === 'Conv2D');
}

/** The first `count` images of a split: with the digits' fixed mixing, a fair sample. */
function firstImages(split: ImageSplit, count: number): ImageSplit {
  const n = Math.min(count, split.count);
  const size = split.imageShape[0] * split.imageShape[1] * split.imageShape[2];
  return {
    ...split,
    images: split.images.subarray(0, n * size),
    labels: split.labels.subarray(0, n),
    count: n,
  };
}

/** Lets the browser paint (and the other network take its step) between steps. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function disposeAll(tensors: tf.Tensor[]): void {
  for (const tensor of tensors) tensor.dispose();
}
