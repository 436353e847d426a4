import type * as tf from '@tensorflow/tfjs';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * Writes `input` (shape `shape`) repeated `reps[i]` times along each axis into `output`. Every
 * block is written once and then doubled with `copyWithin`, so the work is a few memcpys of the
 * output's size however the repetitions are spread (the stock WASM kernel computes an index per
 * element, which made the batch-norm gradient's Tile the slowest op of a training step).
 */
export function tileInto(
  input: TypedArray,
  shape: readonly number[],
  reps: readonly number[],
  output: TypedArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    output[0] = input[0];
    return;
  }
  // inBlock[d] / outBlock[d]: values in one index of axis d (everything inside it).
  const inBlock = new Array<number>(rank);
  const outBlock = new Array<number>(rank);
  inBlock[rank - 1] = 1;
  outBlock[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    inBlock[d] = inBlock[d + 1] * shape[d + 1];
    outBlock[d] = outBlock[d + 1] * shape[d + 1] * reps[d + 1];
  }
  const fill = (axis: number, inStart: number, outStart: number): void => {
    const span = shape[axis] * outBlock[axis];
    if (axis === rank - 1) {
      output.set(input.subarray(inStart, inStart + shape[axis]), outStart);
    } else {
      for (let i = 0; i < shape[axis]; i++) {
        fill(axis + 1, inStart + i * inBlock[axis], outStart + i * outBlock[axis]);
      }
    }
    // Double the written span until it covers all repetitions of this axis.
    const total = span * reps[axis];
    for (let written = span; written < total; written *= 2) {
      output.copyWithin(
        outStart + written,
        outStart,
        outStart + Math.min(written, total - written),
      );
    }
  };
  fill(0, 0, 0);
}

/**
 * The output shape of tiling `x` by `reps` when {@link tileInto} is the right tool for it; else
 * undefined, for the stock kernel: strings, an empty output, or many tiny blocks (a long
 * inner-most repetition of a short row), where its per-block calls would dominate.
 */
export function tileOutShape(x: tf.TensorInfo, reps: readonly number[]): number[] | undefined {
  const outShape = x.shape.map((size, axis) => size * reps[axis]);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  let blocks = 1;
  for (let d = 0; d < x.shape.length - 1; d++) blocks *= x.shape[d];
  return x.dtype === 'string' || outSize === 0 || blocks * 16 > outSize ? undefined : outShape;
}
