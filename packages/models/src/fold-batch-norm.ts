import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';

/** What {@link foldBatchNorm} changed. */
export interface FoldReport {
  /** Batch norms folded into the convolution before them, by layer name. */
  foldedBatchNorms: string[];
  /** ReLUs applied by the convolution before them instead, by layer name. */
  fusedActivations: string[];
}

/** Convolutions whose kernel's last axis is the output channel, as a batch norm's axis. */
const FOLDABLE_CONVOLUTIONS = new Set(['Conv2D', 'GroupedConv2D']);

type InboundNode = [string, number, number, Record<string, unknown>?][];

interface LayerConfig {
  className: string;
  name: string;
  config: Record<string, unknown>;
  inboundNodes: InboundNode[];
}

/** `LayersModel.getConfig()` of a functional model (the camel-case form `fromConfig` takes). */
interface FunctionalConfig {
  name: string;
  layers: LayerConfig[];
  inputLayers: [string, number, number][];
  outputLayers: [string, number, number][];
}

/** The names of the layers that read `name`'s output, and whether the model outputs it. */
function readers(config: FunctionalConfig, name: string): { layers: string[]; isOutput: boolean } {
  const layers = config.layers
    .filter((layer) => layer.inboundNodes.some((node) => node.some(([from]) => from === name)))
    .map((layer) => layer.name);
  return { layers, isOutput: config.outputLayers.some(([from]) => from === name) };
}

/** The one layer that reads `name`'s output (and nothing else does), if there is one. */
function soleReader(config: FunctionalConfig, name: string): LayerConfig | undefined {
  const { layers, isOutput } = readers(config, name);
  if (isOutput || layers.length !== 1) return undefined;
  const layer = config.layers.find((l) => l.name === layers[0]);
  return layer !== undefined && layer.inboundNodes.length === 1 ? layer : undefined;
}

function isChannelAxis(axis: unknown): boolean {
  const axes = Array.isArray(axis) ? axis : [axis];
  return axes.length === 1 && (axes[0] === -1 || axes[0] === 3);
}

/** A plain ReLU layer: `ReLU` without a cap or threshold, or `Activation('relu')`. */
function isPlainRelu(layer: LayerConfig): boolean {
  if (layer.className === 'Activation') return layer.config.activation === 'relu';
  if (layer.className !== 'ReLU') return false;
  return (layer.config.maxValue ?? null) === null;
}

/** Points every reference to `from`'s output at `to`'s output. */
function rewire(config: FunctionalConfig, from: string, to: string): void {
  for (const layer of config.layers) {
    for (const node of layer.inboundNodes) {
      for (const entry of node) if (entry[0] === from) entry[0] = to;
    }
  }
  for (const entry of config.outputLayers) if (entry[0] === from) entry[0] = to;
}

/**
 * The weights of a convolution with a batch norm folded in: per output channel c,
 * kernel'[…, c] = kernel[…, c] · s[c] and bias'[c] = (bias[c] − mean[c]) · s[c] + β[c], with
 * s = γ / √(variance + ε).
 */
function foldedWeights(conv: tf.layers.Layer, bn: tf.layers.Layer): tf.Tensor[] {
  return tf.tidy(() => {
    const [kernel, bias] = conv.getWeights();
    const bnConfig = bn.getConfig();
    const bnWeights = bn.getWeights();
    const channels = kernel.shape[kernel.shape.length - 1];
    let i = 0;
    const gamma = bnConfig.scale === false ? tf.ones([channels]) : bnWeights[i++];
    const beta = bnConfig.center === false ? tf.zeros([channels]) : bnWeights[i++];
    const [mean, variance] = bnWeights.slice(i);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, bnConfig.epsilon as number)));
    const foldedBias = tf.add(tf.mul(tf.sub(bias ?? tf.zeros([channels]), mean), scale), beta);
    return [tf.mul(kernel, scale), foldedBias];
  });
}

/**
 * An inference copy of `model` in which every batch norm that follows a convolution is folded
 * into that convolution's kernel and bias, and a ReLU that follows is applied by the
 * convolution itself (PyTorch's `fuse_conv_bn_eval`, TensorFlow Lite's conversion). A ResNet's
 * conv → BN → ReLU unit then makes one pass over memory instead of three; outputs equal
 * `model.predict`'s up to float rounding. `model` is left untouched.
 *
 * The copy is for inference: its batch norms are gone, so training it would train a network
 * without normalisation.
 */
export function foldBatchNorm(model: tf.LayersModel): {
  model: tf.LayersModel;
  report: FoldReport;
} {
  const original = model.getConfig() as unknown as FunctionalConfig;
  if (!Array.isArray(original.layers) || !Array.isArray(original.outputLayers)) {
    throw new ModelError(
      `foldBatchNorm: ${model.name} is not a functional model (tf.model); Sequential models are not supported.`,
    );
  }
  const config = structuredClone(original);
  const report: FoldReport = { foldedBatchNorms: [], fusedActivations: [] };
  const folds = new Map<string, string>(); // convolution → its batch norm
  for (const conv of config.layers) {
    if (!FOLDABLE_CONVOLUTIONS.has(conv.className) || conv.inboundNodes.length !== 1) continue;
    if ((conv.config.dataFormat ?? 'channelsLast') !== 'channelsLast') continue;
    if ((conv.config.activation ?? 'linear') !== 'linear') continue;
    const bn = soleReader(config, conv.name);
    if (bn?.className !== 'BatchNormalization' || !isChannelAxis(bn.config.axis ?? -1)) continue;
    folds.set(conv.name, bn.name);
    report.foldedBatchNorms.push(bn.name);
    conv.config.useBias = true;
    conv.config.biasInitializer = { className: 'Zeros', config: {} };
    const dropped = [bn.name];
    const activation = soleReader(config, bn.name);
    if (conv.className === 'Conv2D' && activation !== undefined && isPlainRelu(activation)) {
      conv.config.activation = 'relu';
      report.fusedActivations.push(activation.name);
      dropped.push(activation.name);
    }
    for (const name of dropped) rewire(config, name, conv.name);
    config.layers = config.layers.filter((layer) => !dropped.includes(layer.name));
  }

  const folded = tf.LayersModel.fromConfig(
    tf.LayersModel,
    config as unknown as tf.serialization.ConfigDict,
  ) as tf.LayersModel;
  for (const layer of folded.layers) {
    const source = model.getLayer(layer.name);
    const bnName = folds.get(layer.name);
    if (bnName === undefined) {
      layer.setWeights(source.getWeights());
      continue;
    }
    const weights = foldedWeights(source, model.getLayer(bnName));
    layer.setWeights(weights);
    tf.dispose(weights);
  }
  return { model: folded, report };
}
