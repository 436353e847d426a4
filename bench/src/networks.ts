import { countParameters, createModel, foldBatchNorm, getModelEntry } from '@residual/models';
import { planForward, planRecompute, SgdMomentum } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import { segmentationStepper } from './segmentation-step.js';
import { sgdStep } from './sgd-step.js';
import { median, medianStepSeconds, type Stepper } from './timing.js';
import type { TorchWorker } from './torch.js';
import type { Layout } from './torch-peers.js';

/** `infer-folded`: inference with batch norms folded into the convolutions (`foldBatchNorm`). */
export const NETWORK_MODES = ['train', 'infer', 'infer-folded'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** Folding batch norms is measured on classifiers only. */
export const SEGMENTATION_MODES: readonly NetworkMode[] = ['train', 'infer'];

/** The bundled `shapes` data set's classes (background, circle, square, triangle). */
export const SEGMENTATION_CLASSES = 4;

export interface NetworkCase {
  model: string;
  mode: NetworkMode;
  batch: number;
  /** Square input size. */
  size: number;
  /** Classes of the logits: per image, or per pixel for a segmentation network. */
  classes: number;
}

/** Input size and batch sizes of the segmentation networks (`--seg-size`, `--seg-batches`). */
export interface SegmentationCases {
  size: number;
  batches: readonly number[];
}

/**
 * Each of `modes` (default: training, inference and folded inference) of each model: CIFAR
 * networks at 32² in each of `batches`, ImageNet networks at 224² in batch 16, segmentation
 * networks (those `isSegmentation` says) at `segmentation.size`² in each of its batches, with
 * the `shapes` data set's 4 classes, in training and inference only.
 */
export function networkCases(
  models: readonly string[],
  batches: readonly number[],
  modes: readonly NetworkMode[] = NETWORK_MODES,
  segmentation: SegmentationCases = { size: 64, batches: [16, 32] },
  isSegmentation: (model: string) => boolean = isSegmentationModel,
): NetworkCase[] {
  return models.flatMap((model) => {
    if (isSegmentation(model)) {
      const { size } = segmentation;
      return segmentation.batches.flatMap((batch) =>
        modes
          .filter((mode) => SEGMENTATION_MODES.includes(mode))
          .map((mode) => ({ model, mode, batch, size, classes: SEGMENTATION_CLASSES })),
      );
    }
    const imagenet = !model.startsWith('cifar_');
    return (imagenet ? [16] : batches).flatMap((batch) =>
      modes.map((mode) => ({
        model,
        mode,
        batch,
        size: imagenet ? 224 : 32,
        classes: 10,
      })),
    );
  });
}

/** Whether the registry's `name` is a semantic-segmentation network (false when unknown). */
export function isSegmentationModel(name: string): boolean {
  return modelExists(name) && getModelEntry(name).task === 'semantic-segmentation';
}

/**
 * One training step (`SgdMomentum`, softmax cross-entropy) or one inference, synchronously.
 * Training recomputes activations where `residual train` would (`--recompute auto`): a deep
 * network's step (ResNet-1202's) does not fit in the wasm heap otherwise.
 */
async function stepper(c: NetworkCase): Promise<Stepper> {
  if (isSegmentationModel(c.model)) return segmentationStepper(c);
  const built = createModel(c.model, {
    inputShape: [c.size, c.size, 3],
    numClasses: c.classes,
    seed: 1,
  });
  const model = c.mode === 'infer-folded' ? foldBatchNorm(built).model : built;
  const plan = c.mode === 'train' ? await planRecompute({ model, batchSize: c.batch }) : undefined;
  const forward =
    (plan === undefined ? undefined : planForward(plan)) ??
    ((images: tf.Tensor) => model.apply(images, { training: true }) as tf.Tensor);
  const x = tf.randomNormal([c.batch, c.size, c.size, 3], 0, 1, 'float32', 4);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: c.batch }, (_, i) => i % c.classes),
      'int32',
    ),
    c.classes,
  );
  const optimizer = new SgdMomentum(model.trainableWeights, { momentum: 0.9 });
  const step =
    c.mode === 'train'
      ? () =>
          sgdStep(optimizer, () => tf.losses.softmaxCrossEntropy(labels, forward(x)) as tf.Scalar)
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
      model.dispose();
      if (built !== model) built.dispose();
    },
  };
}

/** Seconds per step of ours on the active backend: `warmup` steps, then the median of `steps`. */
export async function timeNetwork(c: NetworkCase, warmup: number, steps: number): Promise<number> {
  return medianStepSeconds(await stepper(c), warmup, steps);
}

/** Trainable parameters of ours for `c`, as PyTorch counts them (to hold the peers to). */
export function trainableParameters(c: NetworkCase): number {
  const model = createModel(c.model, {
    inputShape: [c.size, c.size, 3],
    numClasses: c.classes,
    seed: 1,
  });
  try {
    return countParameters(model).trainable;
  } finally {
    model.dispose();
  }
}

export interface TorchNetworkTiming {
  seconds: number;
  /** Trainable parameters of PyTorch's network. */
  trainableParameters: number;
}

/**
 * The same in PyTorch in `layout` (median seconds per step, and the network's trainable
 * parameters), or why PyTorch has no counterpart of the model.
 */
export async function timeTorchNetwork(
  torch: TorchWorker,
  c: NetworkCase,
  layout: Layout,
  threads: number,
  warmup: number,
  steps: number,
): Promise<TorchNetworkTiming | string> {
  const answer = await torch.request({
    kind: 'model',
    name: c.model,
    mode: c.mode,
    batch: c.batch,
    size: c.size,
    channels: 3,
    classes: c.classes,
    layout,
    threads,
    warmup,
    steps,
  });
  if (answer.times === undefined) return String(answer.error ?? 'no times in the answer');
  return {
    seconds: median(answer.times as number[]),
    trainableParameters: answer.params as number,
  };
}

/** Live tensors after the first and after the 20th training step, and the peak RSS. */
export async function memoryOverSteps(
  c: NetworkCase,
  steps = 20,
): Promise<{
  tensorsAfterFirstStep: number;
  tensorsAfterLastStep: number;
  steps: number;
}> {
  const { step, dispose } = await stepper(c);
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
