import type * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import type { OnnxGraph, OnnxValue } from './onnx-graph.js';
import {
  applyActivation,
  batchNorm,
  checkChannelsLast,
  conv,
  dense,
  depthwiseConv,
  pair,
  required,
  weightsOf,
  windowAttributes,
} from './onnx-weight-layers.js';

/** Emits the ONNX nodes of one tfjs layer applied to `inputs`; returns its output. */
type LayerConverter = (layer: tf.layers.Layer, inputs: OnnxValue[], graph: OnnxGraph) => OnnxValue;

/**
 * ONNX's NCHW axis of each NHWC axis, and back. As Transpose perms, the first turns NCHW into
 * NHWC (output axis j reads input axis perm[j]) and the second NHWC into NCHW.
 */
const NCHW_OF_NHWC = [0, 2, 3, 1];
const NHWC_OF_NCHW = [0, 3, 1, 2];

function pool(op: string) {
  return (layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue => {
    checkChannelsLast(layer);
    const config = layer.getConfig();
    const window = pair(config.poolSize);
    const attributes = windowAttributes({ ...config, strides: config.strides ?? window }, window);
    return { ...x, name: graph.node(op, [x.name], layer.name, attributes) };
  };
}

function globalPool(op: string) {
  return (layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue => {
    checkChannelsLast(layer);
    const pooled = graph.node(op, [x.name], layer.name);
    const flat = graph.node('Flatten', [pooled], `${layer.name}_flatten`, { axis: 1 });
    return { name: flat, rank: 2, nchw: false };
  };
}

function zeroPadding(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  checkChannelsLast(layer);
  const padding = layer.getConfig().padding as number | number[] | number[][];
  const [[top, bottom], [left, right]] = (
    typeof padding === 'number'
      ? [
          [padding, padding],
          [padding, padding],
        ]
      : (padding as (number | number[])[]).map((p) => (typeof p === 'number' ? [p, p] : p))
  ) as number[][];
  const pads = graph.int64s(`${layer.name}_pads`, [0, 0, top, left, 0, 0, bottom, right]);
  return { ...x, name: graph.node('Pad', [x.name, pads], layer.name, { mode: 'constant' }) };
}

/** A rank-4 value in TensorFlow's NHWC order (what Flatten and Reshape count in). */
function toNhwc(x: OnnxValue, graph: OnnxGraph, name: string): OnnxValue {
  if (!x.nchw) return x;
  const y = graph.node('Transpose', [x.name], `${name}_to_nhwc`, { perm: NCHW_OF_NHWC });
  return { name: y, rank: 4, nchw: false };
}

/** Back to ONNX's NCHW for a rank-4 value made in NHWC order. */
function toNchw(x: OnnxValue, graph: OnnxGraph, name: string): OnnxValue {
  if (x.rank !== 4 || x.nchw) return x;
  const y = graph.node('Transpose', [x.name], `${name}_to_nchw`, { perm: NHWC_OF_NCHW });
  return { name: y, rank: 4, nchw: true };
}

function reshape(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  const target = layer.getConfig().targetShape as number[];
  const nhwc = toNhwc(x, graph, layer.name);
  // 0 keeps the (dynamic) batch dimension.
  const shape = graph.int64s(`${layer.name}_shape`, [0, ...target]);
  const y = graph.node('Reshape', [nhwc.name, shape], layer.name);
  return toNchw({ name: y, rank: target.length + 1, nchw: false }, graph, layer.name);
}

function flatten(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  const nhwc = toNhwc(x, graph, layer.name);
  return {
    name: graph.node('Flatten', [nhwc.name], layer.name, { axis: 1 }),
    rank: 2,
    nchw: false,
  };
}

function permute(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  const dims = [0, ...(layer.getConfig().dims as number[])];
  if (dims.length !== x.rank) {
    throw new InteropError(
      `ONNX export: ${layer.name} permutes ${dims.length - 1} axes of a rank-${x.rank} value.`,
    );
  }
  // Output NHWC axis j is input NHWC axis dims[j]; translate both sides to NCHW positions.
  const perm = x.nchw ? NHWC_OF_NCHW.map((j) => NCHW_OF_NHWC[dims[j]]) : dims;
  return { ...x, name: graph.node('Transpose', [x.name], layer.name, { perm }) };
}

function elementwise(op: string) {
  return (layer: tf.layers.Layer, inputs: OnnxValue[], graph: OnnxGraph): OnnxValue => {
    if (inputs.some((v) => v.nchw !== inputs[0].nchw || v.rank !== inputs[0].rank)) {
      throw new InteropError(`ONNX export: ${layer.name} combines values of different ranks.`);
    }
    let name = inputs[0].name;
    inputs.slice(1).forEach((v, i) => {
      name = graph.node(
        op,
        [name, v.name],
        i === inputs.length - 2 ? layer.name : `${layer.name}_${i}`,
      );
    });
    return { ...inputs[0], name };
  };
}

/** ScalarBias / ScalarMultiply: one learned scalar added or multiplied. */
function scalar(op: string, weight: string) {
  return (layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue => {
    const value = required(weightsOf(layer).get(weight), layer, weight);
    const constant = graph.floats(`${layer.name}_${weight}`, value.data, []);
    return { ...x, name: graph.node(op, [x.name, constant], layer.name) };
  };
}

const identity: LayerConverter = (_layer, [x]) => x;

export const LAYER_CONVERTERS: Record<string, LayerConverter> = {
  Activation: (layer, [x], graph) =>
    applyActivation(layer.getConfig().activation as string, layer, x, graph),
  Add: elementwise('Add'),
  AveragePooling2D: pool('AveragePool'),
  BatchNormalization: batchNorm,
  Conv2D: (layer, inputs, graph) => conv(layer, inputs, graph, 1),
  Dense: dense,
  DepthwiseConv2D: depthwiseConv,
  DropPath: identity,
  Dropout: identity,
  Flatten: flatten,
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GroupedConv2D: (layer, inputs, graph) =>
    conv(layer, inputs, graph, layer.getConfig().groups as number),
  MaxPooling2D: pool('MaxPool'),
  Multiply: elementwise('Mul'),
  Permute: permute,
  ReLU: (layer, [x], graph) => {
    const maxValue = layer.getConfig().maxValue as number | null | undefined;
    if (maxValue === null || maxValue === undefined)
      return applyActivation('relu', layer, x, graph);
    const bounds = [
      graph.floats(`${layer.name}_min`, new Float32Array([0]), []),
      graph.floats(`${layer.name}_max`, new Float32Array([maxValue]), []),
    ];
    return { ...x, name: graph.node('Clip', [x.name, ...bounds], layer.name) };
  },
  Reshape: reshape,
  ScalarBias: scalar('Add', 'bias'),
  ScalarMultiply: scalar('Mul', 'scale'),
  ZeroPadding2D: zeroPadding,
};
