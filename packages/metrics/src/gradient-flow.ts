import * as tf from '@tensorflow/tfjs';
import type { LabelledBatch } from './labelled-batch.js';
import { MetricsError } from './metrics-error.js';

/** One trainable weight's gradient, from one batch. */
export interface WeightGradient {
  /** The weight's name, e.g. `stem_conv/kernel`. */
  name: string;
  shape: number[];
  /** L2 norm of the gradient of the loss with respect to the weight. */
  gradientNorm: number;
  /** L2 norm of the weight itself. */
  weightNorm: number;
  /**
   * ‖learningRate · gradient‖ / ‖weight‖: the relative change one plain SGD step would make.
   * Infinity for an all-zero weight (a fresh batch-norm β).
   */
  updateRatio: number;
}

/** The gradients of one layer's trainable weights. */
export interface LayerGradient {
  /** Position among the model's layers (network order, input first). */
  index: number;
  name: string;
  /** The Keras class, e.g. `Conv2D`, `BatchNormalization`, `Dense`. */
  className: string;
  parameters: number;
  /** L2 norm over all of the layer's weight gradients. */
  gradientNorm: number;
  weightNorm: number;
  updateRatio: number;
  weights: WeightGradient[];
}

/** Mean and standard deviation of one layer's output over the batch and every position. */
export interface ActivationStats {
  layer: string;
  mean: number;
  std: number;
}

export interface GradientFlowSummary {
  /** The loss on the batch (training-mode forward pass). */
  loss: number;
  /** The first and last layers with a 3×3 convolution kernel (or `options.ratioLayers`). */
  firstConv: string | null;
  lastConv: string | null;
  /**
   * Gradient norm of `firstConv` over that of `lastConv`: above 1 the gradient grows toward
   * the input, below 1 it vanishes. Infinity when `lastConv` receives no gradient; NaN without
   * two such layers.
   */
  firstToLastRatio: number;
  largest: { layer: string; gradientNorm: number } | null;
  smallest: { layer: string; gradientNorm: number } | null;
  /** Layers whose weights receive exactly zero gradient (e.g. branches behind a zero γ). */
  zeroGradientLayers: string[];
}

export interface GradientFlow {
  /** Every layer with trainable weights, in network order. */
  layers: LayerGradient[];
  activations: ActivationStats[];
  summary: GradientFlowSummary;
}

export interface GradientFlowOptions {
  /** The learning rate of the update ratios. Default 0.1 (the ResNet paper's). */
  learningRate?: number;
  /**
   * Layers whose outputs' mean and std are reported. Default: the block outputs, i.e. layers
   * named `*_out` (the naming of @residual/layers); without any, every ReLU layer.
   */
  activationLayers?: readonly string[];
  /** Override the two layers of `firstToLastRatio`: [first, last]. */
  ratioLayers?: readonly [string, string];
  /**
   * The loss of a batch. Default: softmax cross-entropy of the model's output as logits
   * against the integer labels.
   */
  loss?: (labels: tf.Tensor, output: tf.Tensor) => tf.Scalar;
}

/**
 * Measures how the gradient flows through `model` on one batch: the gradient norm of every
 * trainable weight grouped by layer in network order, the update-to-weight ratio of an SGD step,
 * and the mean and std of each block's output. The forward pass runs in training mode (batch
 * norm normalises with the batch's statistics, as during training), and the model is left as it
 * was: its batch-norm moving statistics are restored and no weight changes. Leaves no tensors.
 */
export function gradientFlow(
  model: tf.LayersModel,
  batch: LabelledBatch,
  options: GradientFlowOptions = {},
): GradientFlow {
  const learningRate = options.learningRate ?? 0.1;
  const layers = model.layers.filter((layer) => layer.trainableWeights.length > 0);
  const weights = layers.flatMap((layer) => layer.trainableWeights);
  if (weights.length === 0)
    throw new MetricsError(`Model "${model.name}" has no trainable weights.`);
  const activationLayers = pickActivationLayers(model, options.activationLayers);
  const probe = tf.model({
    inputs: model.inputs,
    outputs: [
      model.outputs[0],
      ...activationLayers.map((layer) => layer.output as tf.SymbolicTensor),
    ],
  });
  const loss = options.loss ?? softmaxCrossEntropy;

  const movingStatistics = model.nonTrainableWeights.map((weight) => tf.clone(weight.read()));
  let values: Float32Array;
  try {
    const variables = weights.map((weight) => weight.read() as tf.Variable);
    const measured = tf.tidy(() => measure(probe, variables, batch, loss));
    values = measured.dataSync() as Float32Array;
    measured.dispose();
  } finally {
    model.nonTrainableWeights.forEach((weight, i) => {
      weight.write(movingStatistics[i]);
    });
    tf.dispose(movingStatistics);
  }

  const lossValue = values[0];
  const gradientSquares = values.subarray(1, 1 + weights.length);
  const weightSquares = values.subarray(1 + weights.length, 1 + 2 * weights.length);
  const moments = values.subarray(1 + 2 * weights.length);
  const ratio = (gradientSquare: number, weightSquare: number) =>
    (learningRate * Math.sqrt(gradientSquare)) / Math.sqrt(weightSquare);

  let offset = 0;
  const layerGradients: LayerGradient[] = layers.map((layer) => {
    const own = layer.trainableWeights.map((weight, i): WeightGradient => {
      const g = gradientSquares[offset + i];
      const w = weightSquares[offset + i];
      return {
        name: weight.originalName,
        shape: [...weight.shape] as number[],
        gradientNorm: Math.sqrt(g),
        weightNorm: Math.sqrt(w),
        updateRatio: ratio(g, w),
      };
    });
    const g = sum(layer.trainableWeights.map((_, i) => gradientSquares[offset + i]));
    const w = sum(layer.trainableWeights.map((_, i) => weightSquares[offset + i]));
    offset += layer.trainableWeights.length;
    return {
      index: model.layers.indexOf(layer),
      name: layer.name,
      className: layer.getClassName(),
      parameters: sum(own.map((weight) => tf.util.sizeFromShape(weight.shape))),
      gradientNorm: Math.sqrt(g),
      weightNorm: Math.sqrt(w),
      updateRatio: ratio(g, w),
      weights: own,
    };
  });

  return {
    layers: layerGradients,
    activations: activationLayers.map((layer, i) => ({
      layer: layer.name,
      mean: moments[2 * i],
      std: moments[2 * i + 1],
    })),
    summary: summarise(lossValue, layerGradients, options.ratioLayers),
  };
}

/**
 * One training-mode forward and backward pass: [loss, ‖gradient‖² of each variable, ‖variable‖²
 * of each, then mean and std of each extra output of `probe`].
 */
function measure(
  probe: tf.LayersModel,
  variables: tf.Variable[],
  batch: LabelledBatch,
  loss: (labels: tf.Tensor, output: tf.Tensor) => tf.Scalar,
): tf.Tensor1D {
  let activationMoments: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const [output, ...activations] = probe.apply(batch.images, { training: true }) as tf.Tensor[];
    // Kept: tensors made inside the gradient function are otherwise freed when it returns.
    activationMoments = activations.flatMap((activation) => {
      const { mean, variance } = tf.moments(activation);
      return [tf.keep(mean), tf.keep(tf.sqrt(variance))];
    });
    return loss(batch.labels, output);
  }, variables);
  const sumOfSquares = (tensor: tf.Tensor) => tf.sum(tf.square(tensor));
  const measured = tf.stack([
    value,
    // A weight with no path to the loss gets no gradient from tfjs: its norm is 0.
    ...variables.map((variable) =>
      variable.name in grads ? sumOfSquares(grads[variable.name]) : tf.scalar(0),
    ),
    ...variables.map(sumOfSquares),
    ...activationMoments,
  ]) as tf.Tensor1D;
  tf.dispose(activationMoments);
  return measured;
}

function softmaxCrossEntropy(labels: tf.Tensor, output: tf.Tensor): tf.Scalar {
  const classes = output.shape[output.shape.length - 1] as number;
  return tf.losses.softmaxCrossEntropy(
    tf.oneHot(tf.cast(labels, 'int32'), classes),
    output,
  ) as tf.Scalar;
}

function pickActivationLayers(
  model: tf.LayersModel,
  names: readonly string[] | undefined,
): tf.layers.Layer[] {
  if (names !== undefined) {
    return names.map((name) => {
      const layer = model.layers.find((l) => l.name === name);
      if (layer === undefined) {
        throw new MetricsError(
          `Model "${model.name}" has no layer "${name}" to take activations from.`,
        );
      }
      return layer;
    });
  }
  const blockOutputs = model.layers.filter((layer) => layer.name.endsWith('_out'));
  if (blockOutputs.length > 0) return blockOutputs;
  return model.layers.filter((layer) => layer.getClassName() === 'ReLU');
}

/** True for a layer with a 3×3 convolution kernel [3, 3, in, out]. */
function isConv3x3(layer: LayerGradient): boolean {
  return layer.weights.some(
    (weight) => weight.shape.length === 4 && weight.shape[0] === 3 && weight.shape[1] === 3,
  );
}

function summarise(
  loss: number,
  layers: LayerGradient[],
  ratioLayers: readonly [string, string] | undefined,
): GradientFlowSummary {
  let first: LayerGradient | undefined;
  let last: LayerGradient | undefined;
  if (ratioLayers !== undefined) {
    [first, last] = ratioLayers.map((name) => {
      const layer = layers.find((l) => l.name === name);
      if (layer === undefined) {
        throw new MetricsError(
          `ratioLayers: no layer with trainable weights named "${name}". Known: ${layers.map((l) => l.name).join(', ')}.`,
        );
      }
      return layer;
    });
  } else {
    const convs = layers.filter(isConv3x3);
    if (convs.length >= 2) [first, last] = [convs[0], convs[convs.length - 1]];
  }
  const byNorm = [...layers].sort((a, b) => b.gradientNorm - a.gradientNorm);
  const top = byNorm[0];
  const bottom = byNorm[byNorm.length - 1];
  return {
    loss,
    firstConv: first?.name ?? null,
    lastConv: last?.name ?? null,
    firstToLastRatio:
      first === undefined || last === undefined
        ? Number.NaN
        : first.gradientNorm / last.gradientNorm,
    largest: top === undefined ? null : { layer: top.name, gradientNorm: top.gradientNorm },
    smallest:
      bottom === undefined ? null : { layer: bottom.name, gradientNorm: bottom.gradientNorm },
    zeroGradientLayers: layers
      .filter((layer) => layer.gradientNorm === 0)
      .map((layer) => layer.name),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
