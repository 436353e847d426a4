import * as tf from '@tensorflow/tfjs';
import { gradientFlow } from './gradient-flow.js';
import type { LabelledBatch } from './labelled-batch.js';
import { MetricsError } from './metrics-error.js';
import { momentumSteps } from './momentum-steps.js';

/**
 * One way to initialise a deep residual network, as model options (those of
 * `@residual/models`) plus the training schedule it was proposed with.
 */
export interface InitScheme {
  name: string;
  /** For tables and legends. */
  label: string;
  /** Where it comes from. */
  reference: string;
  /** The registry options that build it, e.g. `{ zeroInitResidual: true }`. */
  modelOptions: Readonly<Record<string, string | boolean>>;
  /** Train the first steps at a tenth of the rate (the ResNet paper's 0.01 for ResNet-110/1202). */
  warmup?: boolean;
}

/** The schemes of the study, standard He initialisation first. */
export const INIT_SCHEMES: readonly InitScheme[] = [
  {
    name: 'he',
    label: 'He init',
    reference: 'He et al. 2015 (§4.2), no warm-up',
    modelOptions: {},
  },
  {
    name: 'he-warmup',
    label: 'He init + 0.01 warm-up',
    reference: 'He et al. 2016 (ResNet-110/1202 start at lr 0.01)',
    modelOptions: {},
    warmup: true,
  },
  {
    name: 'zero-gamma',
    label: 'zero-γ',
    reference: "Goyal et al. 2017: each branch's last BN starts at γ = 0",
    modelOptions: { zeroInitResidual: true },
  },
  {
    name: 'fixup',
    label: 'Fixup',
    reference: 'Zhang et al. 2019: no normalisation, scaled branches, last layer at zero',
    modelOptions: { norm: 'none' },
  },
  {
    name: 'rezero',
    label: 'ReZero',
    reference: 'Bachlechner et al. 2020: y = x + α·F(x), α = 0, batch norm kept',
    modelOptions: { residualScale: 'rezero' },
  },
  {
    name: 'skipinit',
    label: 'SkipInit',
    reference: 'De & Smith 2020: y = x + α·F(x), α = 0, no normalisation',
    modelOptions: { residualScale: 'skipinit' },
  },
];

/** One scheme at one depth, at initialisation. */
export interface InitMeasurement {
  scheme: string;
  depth: number;
  model: string;
  /** Training-mode softmax cross-entropy on the probe batch. */
  loss: number;
  /** Standard deviation of the logits over the probe batch and classes. */
  logitStd: number;
  /** Std of each block's output (the residual stream), in network order. */
  streamStd: number[];
  /** Gradient norm of every convolution, input first. */
  convGradientNorms: number[];
}

/** One scheme at one depth, trained from initialisation. */
export interface InitTraining {
  scheme: string;
  depth: number;
  /** Training loss of each step; stops at the first non-finite one. */
  losses: number[];
  diverged: boolean;
  /** Steps run at a tenth of the rate first (0 without warm-up). */
  warmupSteps: number;
}

export interface InitStudy {
  schemes: InitScheme[];
  depths: number[];
  trainDepths: number[];
  steps: number;
  learningRate: number;
  momentum: number;
  batchSize: number;
  /** ln(classes): the loss of a network that predicts every class alike. */
  uniformLoss: number;
  measurements: InitMeasurement[];
  training: InitTraining[];
}

export interface InitStudyProgress {
  scheme: string;
  depth: number;
  phase: 'initial' | 'training';
  step?: number;
  loss?: number;
}

export interface InitStudyOptions {
  /** Scheme names from {@link INIT_SCHEMES}. Default: all of them. */
  schemes?: readonly string[];
  /** Depths measured at initialisation, e.g. `[20, 56, 110, 1202]`. */
  depths: readonly number[];
  /** Depths also trained for `steps` steps (a subset of `depths`). */
  trainDepths: readonly number[];
  /**
   * Builds a fresh network (the study disposes it). With @residual/models:
   * `(scheme, depth) => createModel(\`cifar_resnet${depth}\`, { ...scheme.modelOptions, seed })`.
   */
  build(scheme: InitScheme, depth: number): tf.LayersModel;
  /**
   * The batch of training step `step` for a network of `depth`, as new tensors the study
   * disposes; the same step gives the same batch. `batch(0, depth)` is the probe batch.
   */
  batch(step: number, depth: number): LabelledBatch;
  /** SGD steps per trained network. Default 0. */
  steps?: number;
  /** The same for every scheme. Default 0.1 (the paper's). */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Warm-up steps at a tenth of the rate for schemes with `warmup`. Default ⌊steps / 4⌋. */
  warmupSteps?: number;
  /**
   * The training-mode forward pass to train with (e.g. one that recomputes activations, from
   * `@residual/train`). Default `model.apply(images, { training: true })`.
   */
  trainingForward?(
    model: tf.LayersModel,
    batchSize: number,
  ):
    | ((images: tf.Tensor) => tf.Tensor)
    | undefined
    | Promise<((images: tf.Tensor) => tf.Tensor) | undefined>;
  onProgress?(progress: InitStudyProgress): void;
}

/**
 * The initialisation study of a deep residual network: for each scheme, the loss, the logits'
 * std and the residual stream's std at initialisation against depth (with standard
 * initialisation the stream's variance grows with every block, unless the branch starts
 * scaled down), every convolution's gradient norm, and the training loss over the first steps
 * at one learning rate. One network is alive at a time.
 */
export async function initStudy(options: InitStudyOptions): Promise<InitStudy> {
  const schemes = pickSchemes(options.schemes);
  const steps = options.steps ?? 0;
  const learningRate = options.learningRate ?? 0.1;
  const momentum = options.momentum ?? 0.9;
  const warmup = options.warmupSteps ?? Math.floor(steps / 4);
  checkOptions(options, steps, learningRate, warmup);
  const measurements: InitMeasurement[] = [];
  const training: InitTraining[] = [];
  let batchSize = 0;
  let classes = 0;
  for (const depth of options.depths) {
    for (const scheme of schemes) {
      const model = options.build(scheme, depth);
      try {
        options.onProgress?.({ scheme: scheme.name, depth, phase: 'initial' });
        const probe = options.batch(0, depth);
        batchSize = probe.images.shape[0];
        classes = model.outputs[0].shape.at(-1) as number;
        measurements.push(measureAtInit(model, probe, scheme.name, depth));
        if (steps > 0 && options.trainDepths.includes(depth)) {
          const warmupSteps = scheme.warmup ? warmup : 0;
          const forward = await options.trainingForward?.(model, batchSize);
          // A tenth of the rate for the warm-up steps.
          const run = await momentumSteps({
            model,
            steps,
            rateAt: (step) => learningRate * (step < warmupSteps ? 0.1 : 1),
            momentum,
            batch: (step) => options.batch(step, depth),
            forward,
            onStep: (step, loss) =>
              options.onProgress?.({ scheme: scheme.name, depth, phase: 'training', step, loss }),
          });
          training.push({ scheme: scheme.name, depth, ...run, warmupSteps });
        }
      } finally {
        model.dispose();
      }
    }
  }
  return {
    schemes: [...schemes],
    depths: [...options.depths],
    trainDepths: [...options.trainDepths],
    steps,
    learningRate,
    momentum,
    batchSize,
    uniformLoss: Math.log(classes),
    measurements,
    training,
  };
}

/** Loss, logit std, stream std and conv gradient norms on `probe` (disposed here). */
function measureAtInit(
  model: tf.LayersModel,
  probe: LabelledBatch,
  scheme: string,
  depth: number,
): InitMeasurement {
  try {
    const flow = gradientFlow(model, probe);
    const state = model.nonTrainableWeights.map((weight) => tf.clone(weight.read()));
    let logitStd: number;
    try {
      logitStd = tf.tidy(() => {
        const logits = model.apply(probe.images, { training: true }) as tf.Tensor;
        return tf.moments(logits).variance.sqrt().dataSync()[0];
      });
    } finally {
      // The measurement leaves the batch-norm statistics as they were, as gradientFlow does.
      model.nonTrainableWeights.forEach((weight, i) => {
        weight.write(state[i]);
      });
      tf.dispose(state);
    }
    return {
      scheme,
      depth,
      model: model.name,
      loss: flow.summary.loss,
      logitStd,
      streamStd: flow.activations.map((stats) => stats.std),
      convGradientNorms: flow.layers
        .filter((layer) => layer.className === 'Conv2D')
        .map((layer) => layer.gradientNorm),
    };
  } finally {
    tf.dispose([probe.images, probe.labels]);
  }
}

function pickSchemes(names: readonly string[] | undefined): InitScheme[] {
  if (names === undefined) return [...INIT_SCHEMES];
  return names.map((name) => {
    const scheme = INIT_SCHEMES.find((s) => s.name === name);
    if (scheme === undefined) {
      throw new MetricsError(
        `Unknown initialisation scheme "${name}". Known: ${INIT_SCHEMES.map((s) => s.name).join(', ')}.`,
      );
    }
    return scheme;
  });
}

function checkOptions(
  options: InitStudyOptions,
  steps: number,
  learningRate: number,
  warmup: number,
): void {
  if (options.depths.length === 0) throw new MetricsError('initStudy needs at least one depth.');
  const stray = options.trainDepths.find((depth) => !options.depths.includes(depth));
  if (stray !== undefined) {
    throw new MetricsError(
      `trainDepths must be among depths (${options.depths.join(', ')}), got ${stray}.`,
    );
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new MetricsError(`steps must be a non-negative integer, got ${steps}.`);
  }
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new MetricsError(`warmupSteps must be a non-negative integer, got ${warmup}.`);
  }
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new MetricsError(`learningRate must be a positive number, got ${learningRate}.`);
  }
}
