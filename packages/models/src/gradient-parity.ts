// One training computation, defined once and run on two backends: tfjs's `cpu` in Node.js and
// `webgl` in a browser (webgl-gradient-parity.ts). Everything it draws — weights, inputs, the
// loss's weighting — comes from seeded generators that tfjs runs in JavaScript, so both backends
// start from the same numbers and only their kernels differ. Test support: not exported.
import * as tf from '@tensorflow/tfjs';
import './index.js';
import { createModel, getModelEntry, type ModelEntry } from './registry.js';

/** Inputs per batch: two, so batch statistics and per-image gradient offsets are exercised. */
export const PARITY_BATCH = 2;

/**
 * A small input that runs every layer of an entry with well-conditioned training-mode batch
 * norms: 8×8 for the CIFAR layouts (2×2 at the last stage), 64×64 for the ImageNet layouts and
 * the segmentation networks (their encoders downsample 32×, to 2×2), and 16 tokens for a
 * language model. At 32×32 an ImageNet layout ends in 1×1 maps, whose batch norm normalises two
 * values per channel: its gradient amplifies float32 round-off past 1e-2 on any two backends
 * (resnet18 on webgl vs cpu), which says nothing about their kernels.
 */
export function parityInputShape(entry: ModelEntry): number[] {
  if (entry.task === 'language-model') return [Math.min(entry.defaultInputShape[0], 16)];
  const [height, , channels] = entry.defaultInputShape;
  return height > 64 ? [64, 64, channels] : [8, 8, channels];
}

/** The model `name`, built with a fixed seed at its parity input, and that input. */
export function parityCase(name: string): { model: tf.LayersModel; input: tf.Tensor } {
  const entry = getModelEntry(name);
  const inputShape = parityInputShape(entry);
  const model = createModel(
    name,
    entry.task === 'language-model'
      ? { seed: 7 }
      : { seed: 7, inputShape: inputShape as [number, number, number] },
  );
  const input =
    entry.task === 'language-model'
      ? tf.randomUniform([PARITY_BATCH, ...inputShape], 0, entry.defaultNumClasses, 'int32', 8)
      : tf.randomNormal([PARITY_BATCH, ...inputShape], 0, 1, 'float32', 8);
  return { model, input };
}

/**
 * The loss: every output (FCN and DeepLabv3 have an auxiliary one) times a fixed random tensor
 * of its shape, summed, in training mode. Linear in the outputs, so its gradient reaches every
 * logit with a weight of order one, unlike a softmax loss that saturates.
 */
export function parityLoss(model: tf.LayersModel, input: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const output = model.apply(input, { training: true }) as tf.Tensor | tf.Tensor[];
    const outputs = Array.isArray(output) ? output : [output];
    return tf.addN(
      outputs.map((y, i) => y.mul(tf.randomNormal(y.shape, 0, 1, 'float32', 100 + i)).sum()),
    ) as tf.Scalar;
  });
}

/**
 * The gradient of {@link parityLoss} with respect to each trainable weight, in model order, read
 * back (the data read waits for the backend). Read outside tf.tidy, which would walk the
 * returned typed arrays element by element looking for tensors and overflow a JavaScript Set
 * past 2^24 values (resnet34's gradients).
 */
export function parityGradients(
  model: tf.LayersModel,
  input: tf.Tensor,
): { names: string[]; gradients: Float32Array[] } {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => parityLoss(model, input), variables);
  const tensors = variables.map((v) => grads[v.name]!);
  const gradients = tensors.map((g) => g.dataSync() as Float32Array);
  tf.dispose([value, ...tensors]);
  return { names: model.trainableWeights.map((w) => w.originalName), gradients };
}

/**
 * `steps` SGD steps on {@link parityLoss}; the loss of each and the seconds each took, the data
 * read back (which waits for the backend) included.
 */
export function parityTrainSteps(
  model: tf.LayersModel,
  input: tf.Tensor,
  steps: number,
): { losses: number[]; seconds: number[] } {
  const optimizer = tf.train.sgd(1e-3);
  const losses: number[] = [];
  const seconds: number[] = [];
  for (let step = 0; step < steps; step++) {
    const start = performance.now();
    const loss = optimizer.minimize(() => parityLoss(model, input), true) as tf.Scalar;
    losses.push(loss.dataSync()[0]!);
    seconds.push((performance.now() - start) / 1000);
    loss.dispose();
  }
  optimizer.dispose();
  return { losses, seconds };
}

/**
 * The gradient scale a weight's error is measured against: the largest |gradient| of the
 * weight itself, or, where that is round-off (below 1e-6 of the largest of its layer), the
 * largest of its layer. Some gradients vanish in exact arithmetic — an attention key's bias
 * (softmax ignores a constant added to every score), a conv bias before a training-mode batch
 * norm — and two backends' round-off relative to round-off is meaningless.
 */
export function gradientScales(names: string[], gradients: Float32Array[]): number[] {
  const absMax = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const own = gradients.map(absMax);
  const layerOf = (name: string) => name.slice(0, name.lastIndexOf('/'));
  const layerScale = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    layerScale.set(layerOf(name), Math.max(layerScale.get(layerOf(name)) ?? 0, own[i]!));
  }
  return own.map((scale, i) => {
    const layer = layerScale.get(layerOf(names[i]!))!;
    return scale < 1e-6 * layer ? layer : scale;
  });
}

/**
 * How far `actual` is from `expected`, relative to `scale` (see gradientScales):
 * max|actual − expected| / scale; 0 when they are equal, infinite for NaN or a length mismatch.
 */
export function maxRelativeError(
  actual: Float32Array,
  expected: Float32Array,
  scale: number,
): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= difference)) difference = d; // NaN sticks
  }
  if (Number.isNaN(difference)) return Number.POSITIVE_INFINITY;
  return difference === 0 ? 0 : difference / scale;
}

/** Seeds of the input perturbations {@link gradientSensitivity} tries. */
const PERTURBATION_SEEDS = [11, 12, 13];

/** Standard deviation of the noise {@link gradientSensitivity} adds to the input. */
export const PERTURBATION = 1e-6;

/**
 * How far the gradients move, on the active backend, when the input moves by float32 round-off:
 * the largest, over the weights and a few seeds, of maxRelativeError between the gradients at
 * `input` and at `input` plus normal noise of standard deviation {@link PERTURBATION}, against
 * `scales`. Near a point where the loss's gradient is not continuous (a ReLU input or a max-pool
 * tie within round-off of zero), or where the network amplifies round-off (deep plain networks,
 * batch norms over a handful of values), this is as large as two backends' disagreement: there,
 * no backend's gradient is defined to better than it. Which weights move depends on which kinks
 * the noise crosses, so only the largest says something. Null for integer inputs (token ids),
 * which cannot move by round-off.
 */
export function gradientSensitivity(
  model: tf.LayersModel,
  input: tf.Tensor,
  expected: Float32Array[],
  scales: number[],
): number | null {
  if (input.dtype !== 'float32') return null;
  let sensitivity = 0;
  for (const seed of PERTURBATION_SEEDS) {
    const moved = tf.tidy(() =>
      input.add(tf.randomNormal(input.shape, 0, PERTURBATION, 'float32', seed)),
    );
    const { gradients } = parityGradients(model, moved);
    moved.dispose();
    for (const [i, gradient] of gradients.entries()) {
      sensitivity = Math.max(sensitivity, maxRelativeError(gradient, expected[i]!, scales[i]!));
    }
  }
  return sensitivity;
}

/**
 * How another backend's gradients (webgl's, see webgl-gradient-parity.ts) compare with cpu's:
 * every weight within the tolerance (`matches`); some beyond it, but cpu's own gradients move
 * beyond the tolerance too when the input moves by round-off, and the other backend's are no
 * further from cpu's than twice that, so the point is ill-conditioned rather than a kernel wrong
 * (`ill-conditioned`); or neither (`mismatch`).
 */
export type ParityVerdict = 'matches' | 'ill-conditioned' | 'mismatch';

/** The verdict of a largest error and cpu's own sensitivity (see ParityVerdict). */
export function parityVerdict(
  maxError: number,
  cpuSensitivity: number | null,
  tolerance: number,
): ParityVerdict {
  if (maxError <= tolerance) return 'matches';
  return cpuSensitivity !== null && cpuSensitivity > tolerance && maxError <= 2 * cpuSensitivity
    ? 'ill-conditioned'
    : 'mismatch';
}
