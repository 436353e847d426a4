import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { type ConvAttrs, conv2dInfo, isChannelsLast } from '../shared/conv-info.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from '../shared/depthwise-backprop.js';
import { gemm, gemmTransposedA } from '../shared/gemm.js';
import { col2im, im2col, patchGeometry, patchSize } from '../shared/im2col.js';
import { scratch } from '../shared/scratch.js';
import { cpuFloats, cpuTensor } from './backend.js';

/** Rows of im2col per chunk: bounds the column buffer (16 MB). */
const MAX_COLUMN_VALUES = 4 * 1024 * 1024;

/** Images per chunk so that their im2col rows fit the buffer (at least one). */
function imagesPerChunk(info: tf.backend_util.Conv2DInfo): number {
  const rowsPerImage = info.outHeight * info.outWidth;
  const rowLength = info.filterHeight * info.filterWidth * info.inChannels;
  return Math.max(1, Math.floor(MAX_COLUMN_VALUES / Math.max(1, rowsPerImage * rowLength)));
}

function forward(
  x: Float32Array,
  filter: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const g = patchGeometry(info);
  const rowLength = patchSize(g);
  const rowsPerImage = info.outHeight * info.outWidth;
  const y = new Float32Array(info.batchSize * rowsPerImage * info.outChannels);
  const chunk = imagesPerChunk(info);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const columns = scratch('cpu-columns', count * rowsPerImage * rowLength);
    im2col(x, g, first, count, columns);
    const out = y.subarray(first * rowsPerImage * info.outChannels);
    gemm(columns, filter, out, count * rowsPerImage, rowLength, info.outChannels);
  }
  return y;
}

/** Conv2D and FusedConv2D (bias and ReLU/ReLU6) as im2col + a JavaScript matrix product. */
function conv2d(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  if (!isChannelsLast(attrs)) return runStockKernel(tf.Conv2D, 'cpu', args);
  const info = conv2dInfo(x.shape, filter.shape, attrs);
  const y = forward(cpuFloats(args.backend, x), cpuFloats(args.backend, filter), info);
  return cpuTensor(args.backend, info.outShape, 'float32', y);
}

function fusedConv2d(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x, filter, bias } = args.inputs as {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias?: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
  const activation = attrs.activation ?? 'linear';
  const biasSize = bias === undefined ? 0 : bias.shape.reduce((a, b) => a * b, 1);
  if (
    !isChannelsLast(attrs) ||
    !['linear', 'relu', 'relu6'].includes(activation) ||
    (bias !== undefined && biasSize !== 1 && biasSize !== filter.shape[3])
  ) {
    return runStockKernel(tf.FusedConv2D, 'cpu', args);
  }
  const info = conv2dInfo(x.shape, filter.shape, attrs);
  const y = forward(cpuFloats(args.backend, x), cpuFloats(args.backend, filter), info);
  const channels = info.outChannels;
  const b = bias === undefined ? undefined : cpuFloats(args.backend, bias);
  for (let i = 0; i < y.length; i++) {
    let v = b === undefined ? y[i] : y[i] + (biasSize === 1 ? b[0] : b[i % channels]);
    if (activation !== 'linear') v = Math.max(v, 0);
    if (activation === 'relu6') v = Math.min(v, 6);
    y[i] = v;
  }
  return cpuTensor(args.backend, info.outShape, 'float32', y);
}

/** dx = col2im(dy · filterᵀ), chunk by chunk of images. */
function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (!isChannelsLast(attrs)) return runStockKernel(tf.Conv2DBackpropInput, 'cpu', args);
  const info = conv2dInfo(attrs.inputShape, filter.shape, attrs);
  const g = patchGeometry(info);
  const rowLength = patchSize(g);
  const rowsPerImage = info.outHeight * info.outWidth;
  // filterᵀ: [outChannels, kh·kw·inChannels].
  const w = cpuFloats(args.backend, filter);
  const wT = new Float32Array(w.length);
  for (let k = 0; k < rowLength; k++) {
    for (let co = 0; co < info.outChannels; co++)
      wT[co * rowLength + k] = w[k * info.outChannels + co];
  }
  const dyValues = cpuFloats(args.backend, dy);
  const dx = new Float32Array(attrs.inputShape.reduce((a, b) => a * b, 1));
  const chunk = imagesPerChunk(info);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const columns = scratch('cpu-columns', count * rowsPerImage * rowLength).fill(0);
    const dyChunk = dyValues.subarray(first * rowsPerImage * info.outChannels);
    gemm(dyChunk, wT, columns, count * rowsPerImage, info.outChannels, rowLength);
    col2im(columns, g, first, count, dx);
  }
  return cpuTensor(args.backend, [...attrs.inputShape], 'float32', dx);
}

/** dFilter = im2col(x)ᵀ · dy, chunk by chunk of images. */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (!isChannelsLast(attrs)) return runStockKernel(tf.Conv2DBackpropFilter, 'cpu', args);
  const info = conv2dInfo(x.shape, attrs.filterShape, attrs);
  const g = patchGeometry(info);
  const rowLength = patchSize(g);
  const rowsPerImage = info.outHeight * info.outWidth;
  const xValues = cpuFloats(args.backend, x);
  const dyValues = cpuFloats(args.backend, dy);
  const dw = new Float32Array(rowLength * info.outChannels);
  const chunk = imagesPerChunk(info);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const columns = scratch('cpu-columns', count * rowsPerImage * rowLength);
    im2col(xValues, g, first, count, columns);
    const dyChunk = dyValues.subarray(first * rowsPerImage * info.outChannels);
    gemmTransposedA(columns, dyChunk, dw, count * rowsPerImage, rowLength, info.outChannels);
  }
  return cpuTensor(args.backend, [...attrs.filterShape], 'float32', dw);
}

/** The depthwise gradients: stock tfjs-backend-cpu ignores their dilations (wrong gradients). */
function depthwiseInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = conv2dInfo(attrs.inputShape, filter.shape, attrs, true);
  const dx = new Float32Array(attrs.inputShape.reduce((a, b) => a * b, 1));
  depthwiseBackpropInput(cpuFloats(args.backend, dy), cpuFloats(args.backend, filter), info, dx);
  return cpuTensor(args.backend, [...attrs.inputShape], 'float32', dx);
}

function depthwiseFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = conv2dInfo(x.shape, attrs.filterShape, attrs, true);
  const dw = new Float32Array(attrs.filterShape.reduce((a, b) => a * b, 1));
  depthwiseBackpropFilter(cpuFloats(args.backend, x), cpuFloats(args.backend, dy), info, dw);
  return cpuTensor(args.backend, [...attrs.filterShape], 'float32', dw);
}

/**
 * Convolutions for the `cpu` backend (the last resort, where WebAssembly cannot start): stock
 * tfjs runs the filter gradient at 0.01 GFLOP/s, 50× slower than its forward convolution, and
 * gets dilated depthwise gradients wrong.
 */
export const cpuConvKernels: readonly tf.KernelConfig[] = [
  { kernelName: tf.Conv2D, backendName: 'cpu', kernelFunc: conv2d as tf.KernelFunc },
  { kernelName: tf.FusedConv2D, backendName: 'cpu', kernelFunc: fusedConv2d as tf.KernelFunc },
  {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'cpu',
    kernelFunc: conv2dBackpropInput as tf.KernelFunc,
  },
  {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'cpu',
    kernelFunc: conv2dBackpropFilter as tf.KernelFunc,
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: 'cpu',
    kernelFunc: depthwiseInput as tf.KernelFunc,
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: 'cpu',
    kernelFunc: depthwiseFilter as tf.KernelFunc,
  },
];
