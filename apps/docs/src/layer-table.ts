import type * as tf from '@tensorflow/tfjs';

/** One row of the model explorer's layer table. */
export interface LayerRow {
  name: string;
  /** The layer's class, e.g. `Conv2D`, `BatchNormalization`, `Add`. */
  type: string;
  /** Output shape without the batch dimension, e.g. `28×28×16`. */
  outputShape: string;
  params: number;
  /** The layers whose outputs this one takes: two for a residual `Add`. */
  inputs: string[];
}

export interface ModelSummary {
  layers: LayerRow[];
  trainableParams: number;
  totalParams: number;
}

/** Every layer of `model` in network order, with its output shape, parameters and inputs. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: formatShape(layer.outputShape),
    params: layer.countParams(),
    inputs: layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name)),
  }));
  const size = (weights: tf.LayerVariable[]) =>
    weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  const trainableParams = size(model.trainableWeights);
  return {
    layers,
    trainableParams,
    totalParams: trainableParams + size(model.nonTrainableWeights),
  };
}

function formatShape(shape: tf.Shape | tf.Shape[]): string {
  const one = (s: tf.Shape) => s.slice(1).join('×');
  return Array.isArray(shape[0])
    ? (shape as tf.Shape[]).map(one).join(', ')
    : one(shape as tf.Shape);
}
