import type * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import type { OnnxGraph, OnnxValue } from './onnx-graph.js';

// The layers with weights (convolutions, batch norm, dense) and the helpers every converter uses.

/** The layer's weights by their short names (`kernel`, `gamma`, …) as float32 arrays. */
export function weightsOf(
  layer: tf.layers.Layer,
): Map<string, { data: Float32Array; shape: number[] }> {
  const weights = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const variable of layer.weights) {
    const short = variable.originalName.split('/').pop() as string;
    const tensor = variable.read();
    weights.set(short, { data: tensor.dataSync() as Float32Array, shape: tensor.shape });
  }
  return weights;
}

export function required<T>(value: T | undefined, layer: tf.layers.Layer, what: string): T {
  if (value === undefined)
    throw new InteropError(`ONNX export: layer ${layer.name} has no ${what}.`);
  return value;
}

/** A tfjs `[kh, kw, in, out]` kernel as ONNX's `[out, in, kh, kw]`. */
function convKernel(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < cout; o++) {
          out[((o * cin + c) * kh + i) * kw + j] = data[((i * kw + j) * cin + c) * cout + o];
        }
  return out;
}

export function pair(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a, b ?? a];
}

/** Conv attributes: TensorFlow's 'same' puts an odd extra pixel at the end, as SAME_UPPER. */
export function windowAttributes(config: tf.serialization.ConfigDict, kernel: [number, number]) {
  return {
    kernel_shape: kernel,
    strides: pair(config.strides ?? 1),
    auto_pad: config.padding === 'same' ? 'SAME_UPPER' : 'VALID',
  };
}

export function checkChannelsLast(layer: tf.layers.Layer): void {
  const format = layer.getConfig().dataFormat;
  if (format !== undefined && format !== 'channelsLast') {
    throw new InteropError(
      `ONNX export: layer ${layer.name} is ${format}; only channelsLast is exported.`,
    );
  }
}

/** The layer's `activation` (Conv2D, Dense) after its output. */
function activation(layer: tf.layers.Layer, value: OnnxValue, graph: OnnxGraph): OnnxValue {
  const name = (layer.getConfig().activation as string | undefined) ?? 'linear';
  return applyActivation(name, layer, value, graph);
}

export function applyActivation(
  name: string,
  layer: tf.layers.Layer,
  value: OnnxValue,
  graph: OnnxGraph,
): OnnxValue {
  const ops: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' };
  if (name === 'linear') return value;
  if (name === 'softmax') {
    const axis = value.nchw ? 1 : -1;
    return {
      ...value,
      name: graph.node('Softmax', [value.name], `${layer.name}_softmax`, { axis }),
    };
  }
  const op = ops[name];
  if (op === undefined) {
    throw new InteropError(
      `ONNX export: layer ${layer.name} uses activation ${name}; exported: linear, relu, sigmoid, tanh, softmax.`,
    );
  }
  return { ...value, name: graph.node(op, [value.name], `${layer.name}_${name}`) };
}

export function conv(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph, groups: number) {
  checkChannelsLast(layer);
  const config = layer.getConfig();
  const weights = weightsOf(layer);
  const kernel = required(weights.get('kernel'), layer, 'kernel');
  const dilation = pair(config.dilationRate ?? 1);
  const inputs = [
    x.name,
    graph.floats(`${layer.name}_W`, convKernel(kernel.data, kernel.shape), [
      kernel.shape[3],
      kernel.shape[2],
      kernel.shape[0],
      kernel.shape[1],
    ]),
  ];
  const bias = weights.get('bias');
  if (bias !== undefined) inputs.push(graph.floats(`${layer.name}_B`, bias.data, bias.shape));
  const y = graph.node('Conv', inputs, layer.name, {
    ...windowAttributes(config, [kernel.shape[0], kernel.shape[1]]),
    dilations: dilation,
    group: groups,
  });
  return activation(layer, { name: y, rank: 4, nchw: true }, graph);
}

/** DepthwiseConv2D: a grouped conv with one group per input channel. */
export function depthwiseConv(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph) {
  checkChannelsLast(layer);
  const config = layer.getConfig();
  const weights = weightsOf(layer);
  const kernel = required(weights.get('depthwise_kernel'), layer, 'depthwise kernel');
  const [kh, kw, channels, multiplier] = kernel.shape;
  // Output channel c·m + k reads input channel c with kernel [:, :, c, k], as TensorFlow's.
  const data = new Float32Array(kernel.data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < channels; c++)
        for (let k = 0; k < multiplier; k++) {
          data[((c * multiplier + k) * kh + i) * kw + j] =
            kernel.data[((i * kw + j) * channels + c) * multiplier + k];
        }
  const inputs = [
    x.name,
    graph.floats(`${layer.name}_W`, data, [channels * multiplier, 1, kh, kw]),
  ];
  const bias = weights.get('bias');
  if (bias !== undefined) inputs.push(graph.floats(`${layer.name}_B`, bias.data, bias.shape));
  const y = graph.node('Conv', inputs, layer.name, {
    ...windowAttributes(config, [kh, kw]),
    dilations: pair(config.dilationRate ?? 1),
    group: channels,
  });
  return activation(layer, { name: y, rank: 4, nchw: true }, graph);
}

export function batchNorm(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  const config = layer.getConfig();
  const axis = config.axis as number;
  if (!(axis === -1 || axis === x.rank - 1) || (x.rank !== 4 && x.rank !== 2)) {
    throw new InteropError(
      `ONNX export: ${layer.name} normalises axis ${axis}; only the channel axis is exported.`,
    );
  }
  const weights = weightsOf(layer);
  const mean = required(weights.get('moving_mean'), layer, 'moving mean');
  const ones = new Float32Array(mean.data.length).fill(1);
  const zeros = new Float32Array(mean.data.length);
  const inputs = [
    x.name,
    graph.floats(`${layer.name}_scale`, weights.get('gamma')?.data ?? ones, mean.shape),
    graph.floats(`${layer.name}_bias`, weights.get('beta')?.data ?? zeros, mean.shape),
    graph.floats(`${layer.name}_mean`, mean.data, mean.shape),
    graph.floats(
      `${layer.name}_var`,
      required(weights.get('moving_variance'), layer, 'moving variance').data,
      mean.shape,
    ),
  ];
  const epsilon = { float: config.epsilon as number };
  return { ...x, name: graph.node('BatchNormalization', inputs, layer.name, { epsilon }) };
}

export function dense(layer: tf.layers.Layer, [x]: OnnxValue[], graph: OnnxGraph): OnnxValue {
  if (x.rank !== 2) {
    throw new InteropError(
      `ONNX export: ${layer.name} is a Dense layer on rank ${x.rank}; only rank 2 is exported.`,
    );
  }
  const weights = weightsOf(layer);
  const kernel = required(weights.get('kernel'), layer, 'kernel');
  const inputs = [x.name, graph.floats(`${layer.name}_W`, kernel.data, kernel.shape)];
  const bias = weights.get('bias');
  if (bias !== undefined) inputs.push(graph.floats(`${layer.name}_B`, bias.data, bias.shape));
  return activation(layer, { ...x, name: graph.node('Gemm', inputs, layer.name) }, graph);
}
