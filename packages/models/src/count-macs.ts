import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';

type Layer = tf.layers.Layer;

/** Layers whose multiply-accumulates are counted: each output value costs one MAC per kernel tap. */
const WEIGHTED_LAYERS = new Set(['Conv2D', 'GroupedConv2D', 'DepthwiseConv2D', 'Dense']);

/** One application of a layer in a model, with the shapes it was applied at. */
export interface LayerCall {
  layer: Layer;
  /** Shapes of the inputs of this call (none for an input layer). */
  inputShapes: tf.Shape[];
  outputShapes: tf.Shape[];
}

/**
 * Every application of every layer of `model`, inputs before the layers that use them, with
 * its shapes for inputs of `inputShape` (without the batch dimension; default: the model's
 * own). Shapes come from each layer's `computeOutputShape` along the graph, so no tensor is
 * allocated: a model built at 32×32 reports its shapes at 224×224 without being rebuilt. A
 * layer applied twice (a GPT's tied embedding, which also computes the logits) has two calls.
 */
export function layerCalls(model: tf.LayersModel, inputShape?: readonly number[]): LayerCall[] {
  if (inputShape !== undefined && model.inputs.length !== 1) {
    throw new ModelError(`${model.name}: an inputShape needs a model with one input.`);
  }
  const known = new Map<tf.layers.Layer, tf.Shape[][]>();
  const calls: LayerCall[] = [];
  const pending = model.layers.flatMap((layer) =>
    layer.inboundNodes.map((node, i) => ({ layer, node, i })),
  );
  while (pending.length > 0) {
    const before = pending.length;
    for (let p = 0; p < pending.length; p++) {
      const { layer, node, i } = pending[p];
      const inputShapes: tf.Shape[] = [];
      for (const [k, inbound] of node.inboundLayers.entries()) {
        const shapes = known.get(inbound)?.[node.nodeIndices[k]];
        if (shapes === undefined) break;
        inputShapes.push(shapes[node.tensorIndices[k]]);
      }
      if (inputShapes.length < node.inboundLayers.length) continue;
      let output: tf.Shape | tf.Shape[];
      if (node.inboundLayers.length === 0) {
        output = inputShape === undefined ? model.inputs[0].shape : [null, ...inputShape];
      } else {
        output = layer.computeOutputShape(inputShapes.length === 1 ? inputShapes[0] : inputShapes);
      }
      const outputShapes = Array.isArray(output[0]) ? (output as tf.Shape[]) : [output as tf.Shape];
      const byNode = known.get(layer) ?? [];
      byNode[i] = outputShapes;
      known.set(layer, byNode);
      calls.push({ layer, inputShapes, outputShapes });
      pending.splice(p--, 1);
    }
    // Whatever is left belongs to another model that shares these layers.
    if (pending.length === before) break;
  }
  return calls;
}

/**
 * The output shapes of every layer of `model` (its first application) for inputs of
 * `inputShape` ([height, width, channels] for images, [length] for token ids; default: the
 * model's own), in the order of `model.layers`. See {@link layerCalls}.
 */
export function layerOutputShapes(
  model: tf.LayersModel,
  inputShape?: readonly number[],
): Map<Layer, tf.Shape[]> {
  const first = new Map<Layer, tf.Shape[]>();
  for (const call of layerCalls(model, inputShape)) {
    if (!first.has(call.layer)) first.set(call.layer, call.outputShapes);
  }
  const shapes = new Map<Layer, tf.Shape[]>();
  for (const layer of model.layers) {
    const known = first.get(layer);
    if (known === undefined) {
      throw new ModelError(`${model.name}: layer ${layer.name} has no input in this model.`);
    }
    shapes.set(layer, known);
  }
  return shapes;
}

/** A layer that knows its own multiply-accumulates (attention, tied embeddings). */
interface CountsItsMacs {
  multiplyAccumulates(inputShape: tf.Shape | tf.Shape[]): number;
}

/**
 * Multiply-accumulates of one call of a layer for one example whose output has
 * `outputShape`: the kernel size (weights of its kernel) times the output positions, for
 * convolutions (grouped and depthwise included) and fully connected layers. Like
 * torchvision's and fvcore's counts, normalisation, activations, pooling, additions and
 * biases count nothing. Layers with a `multiplyAccumulates(inputShape)` method (attention's
 * q·kᵀ and weighted sum, the tied embedding's logits) count themselves from `inputShapes`.
 */
export function layerMacs(layer: Layer, outputShape: tf.Shape, inputShapes?: tf.Shape[]): number {
  const own = (layer as unknown as Partial<CountsItsMacs>).multiplyAccumulates;
  if (typeof own === 'function' && inputShapes !== undefined && inputShapes.length > 0) {
    return own.call(layer, inputShapes.length === 1 ? inputShapes[0] : inputShapes);
  }
  if (!WEIGHTED_LAYERS.has(layer.getClassName())) return 0;
  const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
  if (kernel === undefined) return 0;
  const positions = outputShape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
  return positions * tf.util.sizeFromShape(kernel.shape as number[]);
}

/**
 * Multiply-accumulates per example (an image, or a sequence of token ids) of `model` at
 * `inputShape` (default: the model's own input shape), summed over every layer call
 * ({@link layerMacs}).
 */
export function countMacs(model: tf.LayersModel, inputShape?: readonly number[]): number {
  let total = 0;
  for (const call of layerCalls(model, inputShape)) {
    total += layerMacs(call.layer, call.outputShapes[0], call.inputShapes);
  }
  return total;
}
