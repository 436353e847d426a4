import { ACTIVATIONS, type ActivationCode } from '@residual/native-contract';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from '../kernel-overrides.js';
import { type MatMulShape, matMulShape } from '../shared/matmul-shape.js';
import { heapView, sizeOf } from '../wasm/heap.js';
import { wasmMatMulKernels } from '../wasm/matmul.js';
import type { NativeKernels } from './addon.js';

/** The WebAssembly kernels, for the cases the native ones leave (they fix a stock bug). */
const portable = new Map(wasmMatMulKernels.map((config) => [config.kernelName, config.kernelFunc]));

function runPortable(kernelName: string, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  return portable.get(kernelName)!(args as Parameters<tf.KernelFunc>[0]);
}

/** The activations the native product applies itself, by their native codes. */
const FUSED_ACTIVATIONS = new Map<string, ActivationCode>(Object.entries(ACTIVATIONS));

/**
 * `BatchMatMul` and `_FusedMatMul` (tfjs-layers' `Dense`) of the `wasm` backend, run by
 * `@residual/backend-native` on every core directly on the tensors in the WASM heap. Transposed
 * operands are read in place: stock tfjs-backend-wasm runs them 5–10× slower than plain ones,
 * and every gradient of a matrix product has one.
 */
export function nativeWasmMatMulKernels(native: NativeKernels): tf.KernelConfig[] {
  const run = (
    backend: BackendWasm,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    shape: MatMulShape,
    bias?: tf.TensorInfo,
    activation: ActivationCode = ACTIVATIONS.linear,
  ): tf.TensorInfo => {
    const out = backend.makeOutput(shape.outShape, 'float32');
    if (sizeOf(shape.outShape) > 0) {
      const { batch, batchA, batchB, m, k, n, transposeA, transposeB } = shape;
      const dims = Int32Array.of(batch, batchA, batchB, m, k, n, +transposeA, +transposeB);
      // Views after the output's allocation, which may grow (and detach) the heap.
      const biasView = bias === undefined ? null : heapView(backend, bias);
      native.matMul(
        heapView(backend, a),
        heapView(backend, b),
        heapView(backend, out),
        dims,
        biasView,
        activation,
      );
    }
    return out;
  };

  const batchMatMul = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const shape = matMulShape(a, b, transposeA, transposeB);
    if (shape === undefined) return runPortable(tf.BatchMatMul, args);
    return run(args.backend as unknown as BackendWasm, a, b, shape);
  };

  const fusedMatMul = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: tf.TensorInfo;
      b: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
    const shape = matMulShape(a, b, attrs.transposeA, attrs.transposeB);
    const activation = FUSED_ACTIVATIONS.get(attrs.activation ?? 'linear');
    // A bias along the last axis only (n values, or one): a Dense layer's.
    const biasFits = (s: MatMulShape) =>
      bias === undefined ||
      (bias.dtype === 'float32' &&
        bias.shape.length <= s.outShape.length &&
        bias.shape.slice(0, -1).every((d) => d === 1) &&
        (sizeOf(bias.shape) === 1 || bias.shape[bias.shape.length - 1] === s.n));
    if (
      shape === undefined ||
      activation === undefined ||
      preluActivationWeights !== undefined ||
      !biasFits(shape)
    ) {
      return runPortable(tf._FusedMatMul, args);
    }
    return run(args.backend as unknown as BackendWasm, a, b, shape, bias, activation);
  };

  return [
    { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as tf.KernelFunc },
    { kernelName: tf._FusedMatMul, backendName: 'wasm', kernelFunc: fusedMatMul as tf.KernelFunc },
  ];
}
