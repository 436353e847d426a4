import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelArgs, runStockKernel } from '../kernel-overrides.js';
import { middleAxisShape, reduceMiddleAxis } from '../shared/reduce.js';
import { tileInto, tileOutShape } from '../shared/tile.js';
import { sizeOf } from './heap.js';

function tile(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const outShape = tileOutShape(x, reps);
  if (outShape === undefined) return runStockKernel(tf.Tile, 'wasm', args);
  const backend = args.backend as unknown as BackendWasm;
  const out = backend.makeOutput(outShape, x.dtype);
  const input = backend.typedArrayFromHeap(x) as Float32Array | Int32Array | Uint8Array;
  const output = backend.typedArrayFromHeap(out) as Float32Array | Int32Array | Uint8Array;
  tileInto(input, x.shape, reps, output);
  return out;
}

function reduction(kernelName: string, mean: boolean) {
  return (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const split = x.dtype === 'float32' ? middleAxisShape(x.shape, axes) : undefined;
    if (split === undefined || sizeOf(x.shape) === 0)
      return runStockKernel(kernelName, 'wasm', args);
    const [outer, reduce, inner] = split;
    const outShape = keepDims
      ? x.shape.map((size, i) => (axes.includes(i) ? 1 : size))
      : x.shape.filter((_, i) => !axes.includes(i));
    const backend = args.backend as unknown as BackendWasm;
    const out = backend.makeOutput(outShape, 'float32');
    reduceMiddleAxis(
      backend.typedArrayFromHeap(x) as Float32Array,
      outer,
      reduce,
      inner,
      backend.typedArrayFromHeap(out) as Float32Array,
      mean ? 1 / reduce : 1,
    );
    return out;
  };
}

/** Tile, Sum and Mean for the `wasm` backend, without the full-tensor transposes of the stock ones. */
export const wasmTileReduceKernels: readonly tf.KernelConfig[] = [
  { kernelName: tf.Tile, backendName: 'wasm', kernelFunc: tile as tf.KernelFunc },
  {
    kernelName: tf.Sum,
    backendName: 'wasm',
    kernelFunc: reduction(tf.Sum, false) as tf.KernelFunc,
  },
  {
    kernelName: tf.Mean,
    backendName: 'wasm',
    kernelFunc: reduction(tf.Mean, true) as tf.KernelFunc,
  },
];
