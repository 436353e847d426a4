import * as tf from '@tensorflow/tfjs';
import { type GradientFlow, gradientFlow } from './gradient-flow.js';
import type { LabelledBatch } from './labelled-batch.js';
import { MetricsError } from './metrics-error.js';
import { momentumSteps } from './momentum-steps.js';

/** What the study records of a network's gradient at one moment. */
export interface GradientSnapshot {
  /** Training-mode loss on the probe batch. */
  loss: number;
  firstConv: string | null;
  lastConv: string | null;
  /** Gradient norm of the first 3×3 convolution over that of the last. */
  firstToLastRatio: number;
  /** Every layer with weights, in network order: name and gradient norm. */
  layers: { name: string; className: string; gradientNorm: number }[];
}

/** One network of the study. */
export interface DepthRun {
  family: string;
  depth: number;
  /** The model's name. */
  model: string;
  trainableParams: number;
  /** Measured on the probe batch before any step. */
  initial: GradientSnapshot;
  /** Measured on the probe batch after the training steps; null without steps or after divergence. */
  trained: GradientSnapshot | null;
  /** Training loss of each step. */
  losses: number[];
  /** Mean training loss of the last (up to) 10 steps: the loss the network reached; NaN without steps. */
  finalLoss: number;
  /** True when the loss became NaN or infinite and training stopped. */
  diverged: boolean;
}

export interface DepthStudy {
  steps: number;
  learningRate: number;
  momentum: number;
  /** Images per step (of the probe batch). */
  batchSize: number;
  /** Ordered by depth, then family as given. */
  runs: DepthRun[];
}

export interface DepthStudyProgress {
  /** Which network, from 1 to `of`. */
  run: number;
  of: number;
  family: string;
  depth: number;
  phase: 'initial' | 'training' | 'trained';
  /** Steps taken so far (training phase). */
  step?: number;
  loss?: number;
}

export interface DepthStudyOptions {
  /** Architecture families, e.g. `['cifar_resnet', 'cifar_plain']`. */
  families: readonly string[];
  /** Depths to build each family at, e.g. `[20, 56, 110]`. */
  depths: readonly number[];
  /**
   * Builds a fresh network of `family` at `depth` (the study disposes it when done). With
   * @residual/models: `(family, depth) => createModel(\`${family}${depth}\`, { seed: 1 })`.
   */
  build(family: string, depth: number): tf.LayersModel;
  /**
   * The batch of training step `step` (0, 1, …), as new tensors the study disposes. The same
   * step must give the same batch, so every network sees the same data; `batch(0)` is also the
   * probe batch the gradients are measured on.
   */
  batch(step: number): LabelledBatch;
  /** SGD steps per network between the two measurements. Default 0 (initialisation only). */
  steps?: number;
  /** Default 0.05. */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  onProgress?(progress: DepthStudyProgress): void;
}

/**
 * The plain-versus-residual depth study (He et al. 2015, §4.2 and Fig. 6): for every family at
 * every depth, the ratio of the first 3×3 convolution's gradient norm to the last one's at
 * initialisation and after `steps` SGD steps, and the training loss reached. Networks are built,
 * measured, trained and disposed one at a time, so memory holds one network at once.
 */
export async function compareDepths(options: DepthStudyOptions): Promise<DepthStudy> {
  const steps = options.steps ?? 0;
  const learningRate = options.learningRate ?? 0.05;
  const momentum = options.momentum ?? 0.9;
  checkOptions(options, steps, learningRate);
  const plan = options.depths.flatMap((depth) =>
    options.families.map((family) => ({ family, depth })),
  );
  const runs: DepthRun[] = [];
  let batchSize = 0;
  for (const [i, { family, depth }] of plan.entries()) {
    const report = (phase: DepthStudyProgress['phase'], step?: number, loss?: number) =>
      options.onProgress?.({ run: i + 1, of: plan.length, family, depth, phase, step, loss });
    const model = options.build(family, depth);
    try {
      report('initial');
      const probe = options.batch(0);
      batchSize = probe.images.shape[0];
      const initial = measure(model, probe);
      const { losses, diverged } = await momentumSteps({
        model,
        steps,
        rateAt: () => learningRate,
        momentum,
        batch: options.batch,
        onStep: (step, loss) => report('training', step, loss),
      });
      let trained: GradientSnapshot | null = null;
      if (steps > 0 && !diverged) {
        report('trained');
        trained = measure(model, options.batch(0));
      }
      const last = losses.slice(-10);
      runs.push({
        family,
        depth,
        model: model.name,
        trainableParams: model.trainableWeights.reduce(
          (n, w) => n + tf.util.sizeFromShape(w.shape as number[]),
          0,
        ),
        initial,
        trained,
        losses,
        finalLoss: last.length === 0 ? Number.NaN : last.reduce((a, b) => a + b, 0) / last.length,
        diverged,
      });
    } finally {
      model.dispose();
    }
  }
  return { steps, learningRate, momentum, batchSize, runs };
}

/** Gradient flow on `batch`, then disposes it. */
function measure(model: tf.LayersModel, batch: LabelledBatch): GradientSnapshot {
  let flow: GradientFlow;
  try {
    flow = gradientFlow(model, batch);
  } finally {
    tf.dispose([batch.images, batch.labels]);
  }
  const { loss, firstConv, lastConv, firstToLastRatio } = flow.summary;
  return {
    loss,
    firstConv,
    lastConv,
    firstToLastRatio,
    layers: flow.layers.map(({ name, className, gradientNorm }) => ({
      name,
      className,
      gradientNorm,
    })),
  };
}

function checkOptions(options: DepthStudyOptions, steps: number, learningRate: number): void {
  if (options.families.length === 0 || options.depths.length === 0) {
    throw new MetricsError('compareDepths needs at least one family and one depth.');
  }
  const badDepth = options.depths.find((d) => !Number.isInteger(d) || d < 1);
  if (badDepth !== undefined) {
    throw new MetricsError(`Depths must be positive integers, got ${badDepth}.`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new MetricsError(`steps must be a non-negative integer, got ${steps}.`);
  }
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new MetricsError(`learningRate must be a positive number, got ${learningRate}.`);
  }
}
