import type * as tf from '@tensorflow/tfjs';
import { layerCalls, layerMacs, layerOutputShapes } from './count-macs.js';
import { countParameters, type ParameterCount } from './count-parameters.js';

export interface LayerSummary {
  name: string;
  /** The layer's class, e.g. `Conv2D`. */
  className: string;
  /** Output shape for one image (batch dimension dropped); one per output. */
  outputShapes: (number | null)[][];
  /** Weights of the layer, trainable or not. */
  params: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** The layers whose outputs this one takes, in order: two for a residual `Add`. */
  inputs: string[];
}

export interface ModelSummary extends ParameterCount {
  name: string;
  inputShape: (number | null)[];
  layers: LayerSummary[];
  /** Multiply-accumulates per image, summed over the layers. */
  macs: number;
}

/**
 * Every layer of `model` with its output shape, parameters and multiply-accumulates per
 * image, and the totals, at `inputShape` (default: the model's own).
 */
export function summarizeModel(
  model: tf.LayersModel,
  inputShape?: readonly number[],
): ModelSummary {
  const macs = new Map<tf.layers.Layer, number>();
  for (const call of layerCalls(model, inputShape)) {
    const n = layerMacs(call.layer, call.outputShapes[0], call.inputShapes);
    macs.set(call.layer, (macs.get(call.layer) ?? 0) + n);
  }
  const layers: LayerSummary[] = [];
  for (const [layer, outputs] of layerOutputShapes(model, inputShape)) {
    layers.push({
      name: layer.name,
      className: layer.getClassName(),
      outputShapes: outputs.map((shape) => shape.slice(1)),
      params: layer.countParams(),
      macs: macs.get(layer) ?? 0,
      inputs: layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name)),
    });
  }
  return {
    name: model.name,
    inputShape: inputShape === undefined ? model.inputs[0].shape.slice(1) : [...inputShape],
    layers,
    ...countParameters(model),
    macs: layers.reduce((n, l) => n + l.macs, 0),
  };
}
