import { BINARY_OPS, type BinaryOpCode } from '@residual/native-contract';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { broadcastLayout, broadcastShape } from '../shared/broadcast-layout.js';
import { middleAxisShape } from '../shared/reduce.js';
import { heapView, sizeOf } from '../wasm/heap.js';
import type { NativeKernels } from './addon.js';

/** Below this many output values the stock kernels are as fast (and the call cheaper). */
const MIN_NATIVE_SIZE = 4096;

const BINARY: Record<string, BinaryOpCode> = {
  [tf.Add]: BINARY_OPS.add,
  [tf.Sub]: BINARY_OPS.sub,
  [tf.Multiply]: BINARY_OPS.mul,
  [tf.RealDiv]: BINARY_OPS.div,
  [tf.SquaredDifference]: BINARY_OPS.squaredDifference,
  [tf.Maximum]: BINARY_OPS.maximum,
  [tf.Minimum]: BINARY_OPS.minimum,
};

/**
 * Broadcasting element-wise kernels, ReLU, exp, reductions and batch normalisation of the `wasm`
 * backend, run by `@residual/backend-native` on the tensors in the WASM heap with every core. A
 * ResNet's training step spends more time in these (batch norm and its gradient above all) than
 * in convolutions once the convolutions are native.
 */
export function nativeWasmPointwiseKernels(native: NativeKernels): tf.KernelConfig[] {
  const binary = (kernelName: string) => (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32')
      return runStockKernel(kernelName, 'wasm', args);
    const outShape = broadcastShape(a.shape, b.shape);
    const aLayout = broadcastLayout(a.shape, outShape);
    const bLayout = broadcastLayout(b.shape, outShape);
    const size = sizeOf(outShape);
    // Native even without broadcasting: XNNPACK's element-wise kernels run on one thread here, and
    // on a per-channel vector fall back to a slow generic loop (10x slower).
    if (aLayout === undefined || bLayout === undefined || size < MIN_NATIVE_SIZE) {
      return runStockKernel(kernelName, 'wasm', args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const out = backend.makeOutput(outShape, 'float32');
    const cols = outShape[outShape.length - 1];
    native.binary(
      BINARY[kernelName],
      heapView(backend, a),
      aLayout[0],
      aLayout[1],
      heapView(backend, b),
      bLayout[0],
      bLayout[1],
      heapView(backend, out),
      size / cols,
      cols,
    );
    return out;
  };

  // y = f(x) value by value, natively for a float32 tensor large enough, else the stock kernel.
  const unary =
    (kernelName: string, run: (x: Float32Array, y: Float32Array) => void) => (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32' || sizeOf(x.shape) < MIN_NATIVE_SIZE) {
        return runStockKernel(kernelName, 'wasm', args);
      }
      const backend = args.backend as unknown as BackendWasm;
      const out = backend.makeOutput([...x.shape], 'float32');
      run(heapView(backend, x), heapView(backend, out));
      return out;
    };

  const reduction = (kernelName: string, mean: boolean) => (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const split = x.dtype === 'float32' ? middleAxisShape(x.shape, axes) : undefined;
    if (split === undefined || sizeOf(x.shape) < MIN_NATIVE_SIZE)
      return runStockKernel(kernelName, 'wasm', args);
    const [outer, reduce, inner] = split;
    const outShape = keepDims
      ? x.shape.map((size, i) => (axes.includes(i) ? 1 : size))
      : x.shape.filter((_, i) => !axes.includes(i));
    const backend = args.backend as unknown as BackendWasm;
    const out = backend.makeOutput(outShape, 'float32');
    native.sumMiddleAxis(
      heapView(backend, x),
      outer,
      reduce,
      inner,
      mean ? 1 / reduce : 1,
      heapView(backend, out),
    );
    return out;
  };

  const batchNorm = (args: KernelArgs) => {
    const { x, mean, variance, offset, scale } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
    const channels = x!.shape[x!.shape.length - 1] ?? 1;
    const params = [mean!, variance!, offset, scale].filter((p) => p !== undefined);
    const fits = (p: tf.TensorInfo) => sizeOf(p.shape) === 1 || sizeOf(p.shape) === channels;
    if (
      [x!, ...params].some((t) => t.dtype !== 'float32') ||
      !params.every(fits) ||
      sizeOf(x!.shape) < MIN_NATIVE_SIZE
    ) {
      return runStockKernel(tf.FusedBatchNorm, 'wasm', args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const out = backend.makeOutput([...x!.shape], 'float32');
    const view = (t: tf.TensorInfo | undefined) => (t === undefined ? null : heapView(backend, t));
    native.batchNorm(
      heapView(backend, x!),
      heapView(backend, mean!),
      heapView(backend, variance!),
      view(scale),
      view(offset),
      varianceEpsilon,
      heapView(backend, out),
      channels,
    );
    return out;
  };

  const wasm = (
    kernelName: string,
    kernelFunc: (args: KernelArgs) => unknown,
  ): tf.KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  });
  return [
    ...Object.keys(BINARY).map((name) => wasm(name, binary(name))),
    wasm(
      tf.Relu,
      unary(tf.Relu, (x, y) => native.relu(x, y)),
    ),
    // tfjs-wasm's Exp calls expf value by value on one thread (~9 ns a value); softmax and
    // log-softmax losses over every pixel of a segmentation batch spent ~8 % of a step there.
    wasm(
      tf.Exp,
      unary(tf.Exp, (x, y) => native.exp(x, y)),
    ),
    wasm(tf.Sum, reduction(tf.Sum, false)),
    wasm(tf.Mean, reduction(tf.Mean, true)),
    wasm(tf.FusedBatchNorm, batchNorm),
  ];
}
