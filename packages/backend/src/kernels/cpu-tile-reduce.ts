import * as tf from '@tensorflow/tfjs';
import {
  batchNormBackward,
  batchNormParameterGradients,
  inverseStd,
} from './batch-norm-backward.js';
import { type KernelArgs, runStockKernel } from './kernel-overrides.js';
import { middleAxisShape, reduceMiddleAxis } from './reduce.js';
import { tileInto, tileOutShape } from './tile.js';
import { BATCH_NORM_GRAD } from './wasm-batch-norm-grad.js';

type Values = Float32Array | Int32Array | Uint8Array;

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Values } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
}

const cpu = (backend: tf.KernelBackend) => backend as unknown as CpuBackend;

function tile(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const outShape = tileOutShape(x, reps);
  if (outShape === undefined) return runStockKernel(tf.Tile, 'cpu', args);
  const input = cpu(args.backend).data.get(x.dataId).values;
  const Type = input.constructor as new (length: number) => Values;
  const output = new Type(tf.util.sizeFromShape(outShape));
  tileInto(input, x.shape, reps, output);
  return cpu(args.backend).makeTensorInfo(outShape, x.dtype, output);
}

function reduction(kernelName: string, mean: boolean) {
  return (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const split = x.dtype === 'float32' ? middleAxisShape(x.shape, axes) : undefined;
    if (split === undefined || x.shape.reduce((a, b) => a * b, 1) === 0) {
      return runStockKernel(kernelName, 'cpu', args);
    }
    const [outer, reduce, inner] = split;
    const outShape = keepDims
      ? x.shape.map((size, i) => (axes.includes(i) ? 1 : size))
      : x.shape.filter((_, i) => !axes.includes(i));
    const out = new Float32Array(outer * inner);
    const input = cpu(args.backend).data.get(x.dataId).values as Float32Array;
    reduceMiddleAxis(input, outer, reduce, inner, out, mean ? 1 / reduce : 1);
    return cpu(args.backend).makeTensorInfo(outShape, 'float32', out);
  };
}

function batchNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const { x, dy, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
  const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
  const data = (t: tf.TensorInfo) => cpu(args.backend).data.get(t.dataId).values as Float32Array;
  const channels = mean.shape[0];
  const invStd = inverseStd(data(variance), varianceEpsilon);
  const scaleValues = scale === undefined ? null : data(scale);
  const dx = new Float32Array(x.shape.reduce((a, b) => a * b, 1));
  const sumDy = new Float32Array(channels);
  const sumDyCentered = new Float32Array(channels);
  batchNormBackward(
    data(x),
    data(dy),
    data(mean),
    invStd,
    scaleValues,
    dx,
    sumDy,
    sumDyCentered,
    channels,
  );
  const grads = batchNormParameterGradients(invStd, scaleValues, sumDy, sumDyCentered);
  const make = (shape: number[], v: Float32Array) =>
    cpu(args.backend).makeTensorInfo(shape, 'float32', v);
  return [
    make([...x.shape], dx),
    make([channels], grads.mean),
    make([channels], grads.variance),
    make([channels], grads.scale),
    make([channels], grads.offset),
  ];
}

/**
 * Tile, Sum and Mean for the `cpu` backend without per-element index arithmetic or full-tensor
 * transposes, and the fused batch-norm gradient kernel the lean gradients call.
 */
export const cpuTileReduceKernels: readonly tf.KernelConfig[] = [
  { kernelName: tf.Tile, backendName: 'cpu', kernelFunc: tile as tf.KernelFunc },
  { kernelName: tf.Sum, backendName: 'cpu', kernelFunc: reduction(tf.Sum, false) as tf.KernelFunc },
  {
    kernelName: tf.Mean,
    backendName: 'cpu',
    kernelFunc: reduction(tf.Mean, true) as tf.KernelFunc,
  },
  { kernelName: BATCH_NORM_GRAD, backendName: 'cpu', kernelFunc: batchNormGrad as tf.KernelFunc },
];
