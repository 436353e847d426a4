import * as tf from '@tensorflow/tfjs';
import {
  type BlockGradient,
  blockGradients,
  groupWeightsByBlock,
  type WeightGroup,
} from './block-gradients.js';
import { MetricsError } from './metrics-error.js';

/** A batch of inputs and the targets `loss` scores the model's output against. */
export interface InputTargetBatch {
  inputs: tf.Tensor;
  targets: tf.Tensor;
}

/** What the study needs of an optimizer: @residual/train's `AdamW` fits. */
export interface StudyOptimizer {
  /** The variables it updates, in order. */
  readonly variables: tf.Variable[];
  /** One update; `gradients[i]` belongs to `variables[i]`. */
  apply(gradients: readonly tf.Tensor[], learningRate: number): void;
  dispose(): void;
}

/** The gradient of a network on the probe batch at one moment. */
export interface BlockSnapshot {
  loss: number;
  /** Norm of the whole gradient. */
  gradientNorm: number;
  /** Gradient norm of the first block over the last one's: above 1 it grows toward the input. */
  firstToLastRatio: number;
  /** Every group of weights in network order: the blocks and the rest (embeddings, final norm). */
  groups: BlockGradient[];
}

/** One network of the study: one residual form at one depth. */
export interface ResidualFormRun {
  form: string;
  depth: number;
  model: string;
  trainableParams: number;
  /** Training steps taken (fewer than asked only after divergence). */
  steps: number;
  initial: BlockSnapshot;
  /** Measured after the steps; null without steps or after divergence. */
  trained: BlockSnapshot | null;
  /** Training loss of each step. */
  losses: number[];
  /** Mean training loss of the last (up to) 10 steps; NaN without steps. */
  finalLoss: number;
  /** True when the loss became NaN or infinite and training stopped. */
  diverged: boolean;
}

export interface ResidualFormStudy {
  learningRate: number;
  /** Steps of linear learning-rate warm-up (0: a constant rate from the first step). */
  warmupSteps: number;
  /** Examples per batch (of the probe batch). */
  batchSize: number;
  /** Ordered by depth, then form as given. */
  runs: ResidualFormRun[];
}

export interface ResidualFormStudyProgress {
  run: number;
  of: number;
  form: string;
  depth: number;
  phase: 'initial' | 'training' | 'trained';
  step?: number;
  loss?: number;
}

export interface ResidualFormStudyOptions {
  /** Residual forms, e.g. `['pre-ln', 'post-ln', 'none']`. */
  forms: readonly string[];
  /** Depths (blocks) to build each form at. */
  depths: readonly number[];
  /** A fresh network of `form` at `depth`; the study disposes it. */
  build(form: string, depth: number): tf.LayersModel;
  /** The batch of step `step` as new tensors the study disposes; `batch(0)` is the probe batch. */
  batch(step: number): InputTargetBatch;
  /** The loss of the model's output on a batch, e.g. next-token cross-entropy. */
  loss(output: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  /** A fresh optimizer over the model's trainable weights (disposed after the run). */
  optimizer(weights: readonly tf.LayerVariable[]): StudyOptimizer;
  /** Steps per network, or per depth. Default 0 (initialisation only). */
  steps?: number | ((depth: number) => number);
  /** The learning rate: constant after the warm-up, if any. */
  learningRate: number;
  /**
   * Steps over which the rate rises linearly to `learningRate` (step k of n takes k/n of it), the
   * control Xiong et al. (2020) compare Post-LN with. Default 0: no warm-up, the study's point.
   */
  warmupSteps?: number;
  /** How weights group into blocks. Default {@link groupWeightsByBlock}. */
  groupWeights?(model: tf.LayersModel): WeightGroup[];
  onProgress?(progress: ResidualFormStudyProgress): void;
}

/**
 * The residual-form depth study for transformers (Xiong et al. 2020; Bachlechner et al. 2020;
 * Wang et al. 2022): for every form at every depth, the gradient norm of each block on the probe
 * batch at initialisation and after a number of steps at a constant learning rate (no warm-up),
 * and the training loss per step. One network in memory at a time.
 */
export async function compareResidualForms(
  options: ResidualFormStudyOptions,
): Promise<ResidualFormStudy> {
  const stepsAt = (depth: number) =>
    typeof options.steps === 'function' ? options.steps(depth) : (options.steps ?? 0);
  checkOptions(options, stepsAt);
  const group = options.groupWeights ?? ((model: tf.LayersModel) => groupWeightsByBlock(model));
  const plan = options.depths.flatMap((depth) => options.forms.map((form) => ({ form, depth })));
  const runs: ResidualFormRun[] = [];
  let batchSize = 0;
  for (const [i, { form, depth }] of plan.entries()) {
    const report = (phase: ResidualFormStudyProgress['phase'], step?: number, loss?: number) =>
      options.onProgress?.({ run: i + 1, of: plan.length, form, depth, phase, step, loss });
    const model = options.build(form, depth);
    try {
      const groups = group(model);
      report('initial');
      const probe = options.batch(0);
      batchSize = probe.inputs.shape[0];
      const initial = snapshot(model, groups, probe, options.loss);
      const { losses, diverged } = await train(model, options, stepsAt(depth), (step, loss) =>
        report('training', step, loss),
      );
      let trained: BlockSnapshot | null = null;
      if (losses.length > 0 && !diverged) {
        report('trained');
        trained = snapshot(model, groups, options.batch(0), options.loss);
      }
      const last = losses.slice(-10);
      runs.push({
        form,
        depth,
        model: model.name,
        trainableParams: groups.reduce(
          (n, g) =>
            n + g.weights.reduce((m, w) => m + tf.util.sizeFromShape(w.shape as number[]), 0),
          0,
        ),
        steps: losses.length,
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
  return {
    learningRate: options.learningRate,
    warmupSteps: options.warmupSteps ?? 0,
    batchSize,
    runs,
  };
}

function snapshot(
  model: tf.LayersModel,
  groups: WeightGroup[],
  batch: InputTargetBatch,
  loss: ResidualFormStudyOptions['loss'],
): BlockSnapshot {
  try {
    const measured = blockGradients(groups, () =>
      loss(model.apply(batch.inputs, { training: true }) as tf.Tensor, batch.targets),
    );
    const blocks = measured.groups.filter((g) => g.block);
    return {
      loss: measured.loss,
      gradientNorm: measured.gradientNorm,
      firstToLastRatio:
        blocks.length < 2
          ? Number.NaN
          : blocks[0].gradientNorm / blocks[blocks.length - 1].gradientNorm,
      groups: measured.groups,
    };
  } finally {
    tf.dispose([batch.inputs, batch.targets]);
  }
}

/** Steps of the given optimizer (after any warm-up, at a constant rate); stops at a non-finite loss. */
async function train(
  model: tf.LayersModel,
  options: ResidualFormStudyOptions,
  steps: number,
  onStep: (step: number, loss: number) => void,
): Promise<{ losses: number[]; diverged: boolean }> {
  const losses: number[] = [];
  if (steps === 0) return { losses, diverged: false };
  const optimizer = options.optimizer(model.trainableWeights);
  const warmup = options.warmupSteps ?? 0;
  try {
    for (let step = 0; step < steps; step++) {
      const learningRate = options.learningRate * Math.min(1, (step + 1) / Math.max(1, warmup));
      const batch = options.batch(step);
      let lossTensor: tf.Scalar;
      try {
        lossTensor = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () =>
              options.loss(
                model.apply(batch.inputs, { training: true }) as tf.Tensor,
                batch.targets,
              ),
            optimizer.variables,
          );
          optimizer.apply(
            optimizer.variables.map((v) => grads[v.name] ?? tf.zerosLike(v)),
            learningRate,
          );
          return value;
        });
      } finally {
        tf.dispose([batch.inputs, batch.targets]);
      }
      const value = (await lossTensor.data())[0];
      lossTensor.dispose();
      losses.push(value);
      onStep(step + 1, value);
      if (!Number.isFinite(value)) return { losses, diverged: true };
    }
  } finally {
    optimizer.dispose();
  }
  return { losses, diverged: false };
}

function checkOptions(options: ResidualFormStudyOptions, stepsAt: (depth: number) => number): void {
  if (options.forms.length === 0 || options.depths.length === 0) {
    throw new MetricsError('compareResidualForms needs at least one form and one depth.');
  }
  for (const depth of options.depths) {
    if (!Number.isInteger(depth) || depth < 1) {
      throw new MetricsError(`Depths must be positive integers, got ${depth}.`);
    }
    const steps = stepsAt(depth);
    if (!Number.isInteger(steps) || steps < 0) {
      throw new MetricsError(
        `steps must be a non-negative integer, got ${steps} at depth ${depth}.`,
      );
    }
  }
  if (!(options.learningRate > 0) || !Number.isFinite(options.learningRate)) {
    throw new MetricsError(`learningRate must be a positive number, got ${options.learningRate}.`);
  }
  const warmup = options.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new MetricsError(`warmupSteps must be a non-negative integer, got ${warmup}.`);
  }
}
