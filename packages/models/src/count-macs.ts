import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';

type Layer = tf.layers.Layer;

/** Layers whose multiply-accumulates are counted: each output value costs one MAC per kernel tap. */
const WEIGHTED_LAYERS = new Set(['Conv2D', 'GroupedConv2D', 'DepthwiseConv2D', 'Dense']);

/**
 * The output shape of every layer of `model` for images of `inputShape` ([height, width,
 * channels]; default: the model's own). Shapes come from each layer's `computeOutputShape`
 * along the graph, so no tensor is allocated: a model built at 32×32 reports its shapes at
 * 224×224 without being rebuilt.
 */
export function layerOutputShapes(
  model: tf.LayersModel,
  inputShape?: readonly number[],
): Map<Layer, tf.Shape[]> {
  if (inputShape !== undefined && model.inputs.length !== 1) {
    throw new ModelError(`${model.name}: an inputShape needs a model with one input.`);
  }
  const shapes = new Map<Layer, tf.Shape[]>();
  for (const layer of model.layers) {
    // Each layer of a model built by this package is applied once: its first node is the model's.
    const node = layer.inboundNodes[0];
    let output: tf.Shape | tf.Shape[];
    if (node.inboundLayers.length === 0) {
      output = inputShape === undefined ? model.inputs[0].shape : [null, ...inputShape];
    } else {
      const inputs = node.inboundLayers.map((inbound, i) => {
        const known = shapes.get(inbound);
        if (known === undefined) {
          throw new ModelError(
            `${model.name}: layer ${layer.name} comes before its input ${inbound.name}.`,
          );
        }
        return known[node.tensorIndices[i]];
      });
      output = layer.computeOutputShape(inputs.length === 1 ? inputs[0] : inputs);
    }
    shapes.set(layer, Array.isArray(output[0]) ? (output as tf.Shape[]) : [output as tf.Shape]);
  }
  return shapes;
}

/**
 * Multiply-accumulates of one layer for one image whose output has `outputShape`: the kernel
 * size (weights of its kernel) times the output positions, for convolutions (grouped and
 * depthwise included) and fully connected layers. Like torchvision's and fvcore's counts,
 * normalisation, activations, pooling, additions and biases count nothing.
 */
export function layerMacs(layer: Layer, outputShape: tf.Shape): number {
  if (!WEIGHTED_LAYERS.has(layer.getClassName())) return 0;
  const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
  if (kernel === undefined) return 0;
  const positions = outputShape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
  return positions * tf.util.sizeFromShape(kernel.shape as number[]);
}

/**
 * Multiply-accumulates per image of `model` at `inputShape` (default: the model's own input
 * shape), summed over its layers ({@link layerMacs}).
 */
export function countMacs(model: tf.LayersModel, inputShape?: readonly number[]): number {
  let total = 0;
  for (const [layer, outputs] of layerOutputShapes(model, inputShape)) {
    total += layerMacs(layer, outputs[0]);
  }
  return total;
}
