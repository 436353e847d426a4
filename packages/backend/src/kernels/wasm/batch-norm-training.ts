import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import type { NativeKernels } from '../native/addon.js';
import { inverseStd } from '../shared/batch-norm-backward.js';
import { heapView } from './heap.js';

/**
 * A kernel of ours: per-channel mean and biased variance of x over every axis but the last
 * (batch norm's training statistics). Input x; outputs mean and variance, `[channels]`.
 */
export const BATCH_MOMENTS = 'ResidualBatchMoments';

/**
 * A kernel of ours: the whole training gradient of batch norm whose mean and variance are the
 * batch's own (they depend on x too). Inputs x, dy, mean, variance and optionally scale; attribute
 * varianceEpsilon; outputs dx, dScale, dOffset.
 */
export const BATCH_NORM_TRAINING_GRAD = 'ResidualBatchNormTrainingGrad';

/** Mean and biased variance per channel, in float64, in two passes (as the native kernel). */
export function batchMoments(
  x: Float32Array,
  channels: number,
  mean: Float32Array,
  variance: Float32Array,
): void {
  const rows = x.length / channels;
  const sums = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) sums[i % channels] += x[i];
  for (let c = 0; c < channels; c++) mean[c] = rows === 0 ? 0 : sums[c] / rows;
  sums.fill(0);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - mean[i % channels];
    sums[i % channels] += d * d;
  }
  for (let c = 0; c < channels; c++) variance[c] = rows === 0 ? 0 : sums[c] / rows;
}

/**
 * The training gradient in JavaScript: dOffset = Σ dy, dScale = Σ dy · x̂, and
 * dx = scale · invStd · (dy − dOffset / n − x̂ · dScale / n), x̂ = (x − mean) · invStd.
 */
export function batchNormTrainingBackward(
  x: Float32Array,
  dy: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  scale: Float32Array | null,
  dx: Float32Array,
  dScale: Float32Array,
  dOffset: Float32Array,
  channels: number,
): void {
  const rows = x.length / channels;
  const sumDy = new Float64Array(channels);
  const sumDyCentered = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) {
    const c = i % channels;
    sumDy[c] += dy[i];
    sumDyCentered[c] += dy[i] * (x[i] - mean[c]);
  }
  for (let c = 0; c < channels; c++) {
    dOffset[c] = sumDy[c];
    dScale[c] = sumDyCentered[c] * invStd[c];
  }
  for (let i = 0; i < x.length; i++) {
    const c = i % channels;
    const k = (scale === null ? 1 : scale[c]) * invStd[c];
    const xHat = (x[i] - mean[c]) * invStd[c];
    dx[i] = k * (dy[i] - sumDy[c] / rows - (xHat * dScale[c]) / rows);
  }
}

/** Both kernels on `wasm`: native when the addon is loaded, else JavaScript. */
export function wasmBatchNormTrainingKernels(native?: NativeKernels): tf.KernelConfig[] {
  const moments = (args: KernelArgs): tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const backend = args.backend as unknown as BackendWasm;
    const channels = x.shape[x.shape.length - 1];
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    const views = [heapView(backend, x), heapView(backend, mean), heapView(backend, variance)];
    if (native !== undefined) native.batchNormMoments(views[0], views[1], views[2], channels);
    else batchMoments(views[0], channels, views[1], views[2]);
    return [mean, variance];
  };

  const gradient = (args: KernelArgs): tf.TensorInfo[] => {
    const { x, dy, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
    const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
    const backend = args.backend as unknown as BackendWasm;
    const channels = mean.shape[0];
    const dx = backend.makeOutput([...x.shape], 'float32');
    const dScale = new Float32Array(channels);
    const dOffset = new Float32Array(channels);
    const run = native?.batchNormTrainingBackward.bind(native) ?? batchNormTrainingBackward;
    run(
      heapView(backend, x),
      heapView(backend, dy),
      heapView(backend, mean),
      inverseStd(heapView(backend, variance), varianceEpsilon),
      scale === undefined ? null : heapView(backend, scale).slice(),
      heapView(backend, dx),
      dScale,
      dOffset,
      channels,
    );
    const vector = (values: Float32Array) =>
      backend.makeOutput([channels], 'float32', undefined, values);
    return [dx, vector(dScale), vector(dOffset)];
  };

  return [
    { kernelName: BATCH_MOMENTS, backendName: 'wasm', kernelFunc: moments as tf.KernelFunc },
    {
      kernelName: BATCH_NORM_TRAINING_GRAD,
      backendName: 'wasm',
      kernelFunc: gradient as tf.KernelFunc,
    },
  ];
}
