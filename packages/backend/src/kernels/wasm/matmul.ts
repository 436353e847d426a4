import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { type MatMulShape, matMulShape } from '../shared/matmul-shape.js';
import { heapView, heapWindow, releaseHeapWindow, sizeOf } from './heap.js';

/** Square tiles of the transpose: both the rows read and the rows written stay in cache. */
const TILE = 16;

/**
 * A copy of `x` with its last two axes swapped, in tiles. (The stock Transpose walks whole
 * rows: at power-of-two widths every row it writes maps to the same cache sets.)
 */
function transposeLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const matrices = sizeOf(x.shape.slice(0, -2));
  for (let m = 0, base = 0; m < matrices; m++, base += rows * cols) {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(cols, c0 + TILE);
        for (let c = c0; c < c1; c++) {
          const o = base + c * rows;
          for (let r = r0; r < r1; r++) dst[o + r] = src[base + r * cols + c];
        }
      }
    }
  }
  return out;
}

/**
 * The products one by one, each a 2-D product for the stock kernel (XNNPACK), into one output.
 * Stock tfjs-backend-wasm runs a batch of products through a generic loop, about 10× slower.
 */
function productByProduct(
  args: KernelArgs,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  { batch, batchA, m, k, n, outShape }: MatMulShape,
): tf.TensorInfo {
  const backend = args.backend as unknown as BackendWasm;
  const out = backend.makeOutput(outShape, 'float32');
  for (let i = 0; i < batch; i++) {
    const aWindow = heapWindow(backend, a, (batchA === 1 ? 0 : i) * m * k, [1, m, k]);
    const bWindow = heapWindow(backend, b, i * k * n, [1, k, n]);
    const product = runStockKernel(tf.BatchMatMul, 'wasm', {
      inputs: { a: aWindow, b: bWindow },
      backend: args.backend,
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    releaseHeapWindow(backend, aWindow);
    releaseHeapWindow(backend, bWindow);
    // Views after the product's allocation, which may grow the heap.
    heapView(backend, out).set(heapView(backend, product), i * m * n);
    backend.disposeData(product.dataId);
  }
  return out;
}

/**
 * `BatchMatMul` / `_FusedMatMul` on pure WebAssembly, as products of plain matrices, the cases
 * the stock kernel runs fast: a transposed operand is transposed first (its transposed path is
 * 5–10× slower than a copy plus its plain one); products sharing B are stacked into one; other
 * batches run product by product.
 */
function plainProducts(kernelName: string) {
  const fused = kernelName === tf._FusedMatMul;
  return (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const shape = matMulShape(a, b, transposeA, transposeB);
    if (shape === undefined || sizeOf(shape.outShape) === 0) {
      return runStockKernel(kernelName, 'wasm', args);
    }
    const { batchA, batchB, m, k, n } = shape;
    // Stacking also fixes a stock bug: its _FusedMatMul adds the bias to the first product only.
    const stack = batchA > 1 && batchB === 1;
    const loop = !fused && batchB > 1;
    if (!transposeA && !transposeB && !stack && !loop) {
      return runStockKernel(kernelName, 'wasm', args);
    }
    const backend = args.backend as unknown as BackendWasm;
    const plainA = transposeA ? transposeLastTwo(backend, a) : a;
    const plainB = transposeB ? transposeLastTwo(backend, b) : b;
    try {
      if (loop) return productByProduct(args, plainA, plainB, shape);
      const out = runStockKernel(kernelName, 'wasm', {
        ...args,
        inputs: {
          ...args.inputs,
          a: stack ? { ...plainA, shape: [1, batchA * m, k] } : plainA,
          b: stack ? { ...plainB, shape: [1, k, n] } : plainB,
        },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
      return stack ? { ...out, shape: shape.outShape } : out;
    } finally {
      if (plainA !== a) backend.disposeData(plainA.dataId);
      if (plainB !== b) backend.disposeData(plainB.dataId);
    }
  };
}

export const wasmMatMulKernels: readonly tf.KernelConfig[] = [tf.BatchMatMul, tf._FusedMatMul].map(
  (kernelName) => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: plainProducts(kernelName) as tf.KernelFunc,
  }),
);
