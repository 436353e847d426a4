import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import {
  BATCH_NORM_GRAD,
  batchNormBackward,
  batchNormParameterGradients,
  inverseStd,
} from '../shared/batch-norm-backward.js';
import { middleAxisShape, reduceMiddleAxis } from '../shared/reduce.js';
import { tileInto, tileOutShape } from '../shared/tile.js';
import { type CpuValues, cpuFloats, cpuTensor, cpuValues } from './backend.js';

function tile(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const outShape = tileOutShape(x, reps);
  if (outShape === undefined) return runStockKernel(tf.Tile, 'cpu', args);
  const input = cpuValues(args.backend, x);
  const Type = input.constructor as new (length: number) => CpuValues;
  const output = new Type(tf.util.sizeFromShape(outShape));
  tileInto(input, x.shape, reps, output);
  return cpuTensor(args.backend, outShape, x.dtype, output);
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
    const input = cpuFloats(args.backend, x);
    reduceMiddleAxis(input, outer, reduce, inner, out, mean ? 1 / reduce : 1);
    return cpuTensor(args.backend, outShape, 'float32', out);
  };
}

function batchNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const { x, dy, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
  const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
  const data = (t: tf.TensorInfo) => cpuFloats(args.backend, t);
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
  const make = (shape: number[], v: Float32Array) => cpuTensor(args.backend, shape, 'float32', v);
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
