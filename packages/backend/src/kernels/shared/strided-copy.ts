import * as tf from '@tensorflow/tfjs';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/** tfjs's geometry of a 2-D pool over an NHWC input of `shape` (MaxPool's and its gradient's). */
export function poolInfo(
  shape: readonly number[],
  attrs: Pick<tf.MaxPoolAttrs, 'filterSize' | 'strides' | 'pad' | 'dimRoundingMode'>,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/** A 1×1 window without padding picks one pixel: the pool is x[:, ::strideHeight, ::strideWidth, :]. */
export function isSubsampling(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/**
 * Copies the block `[begin, begin + size)` of `input` (shape `shape`) into `output` (shape
 * `size`), one `set` per contiguous run: trailing axes the block covers whole are merged into
 * the run, so slicing a batch or a few rows is a handful of memcpys.
 */
export function sliceInto(
  input: TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  output: TypedArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    output[0] = input[0];
    return;
  }
  // The run: the innermost axis plus every axis inside which the block is whole.
  let runAxis = rank - 1;
  while (runAxis > 0 && size[runAxis] === shape[runAxis]) runAxis--;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const runLength = size.slice(runAxis).reduce((a, b) => a * b, 1);
  let written = 0;
  const copy = (axis: number, offset: number): void => {
    if (axis === runAxis) {
      const start = offset + begin[axis] * strides[axis];
      output.set(input.subarray(start, start + runLength), written);
      written += runLength;
      return;
    }
    for (let i = 0; i < size[axis]; i++) copy(axis + 1, offset + (begin[axis] + i) * strides[axis]);
  };
  copy(0, 0);
}

/**
 * The gradient of a 1×1 pooling with strides (the ResNet paper's option-A shortcut subsamples
 * with one): every input pixel the pool kept gets its output's gradient, all others zero.
 */
export function unpoolOneByOne(
  dy: Float32Array,
  dyShape: readonly number[],
  inShape: readonly number[],
  strideHeight: number,
  strideWidth: number,
  dx: Float32Array,
): void {
  const [batch, outHeight, outWidth, channels] = dyShape;
  const [, inHeight, inWidth] = inShape;
  dx.fill(0);
  let source = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const rowStart = (n * inHeight + oy * strideHeight) * inWidth;
      for (let ox = 0; ox < outWidth; ox++) {
        const target = (rowStart + ox * strideWidth) * channels;
        dx.set(dy.subarray(source, source + channels), target);
        source += channels;
      }
    }
  }
}

/**
 * The gradient of a max pool: each output's gradient goes to the first maximum of its window
 * (padding never wins), as tfjs's cpu backend does. Stock tfjs-backend-wasm 4.22 loses the
 * gradient of windows whose maximum is negative, so we replace it.
 */
export function maxPoolBackprop(
  x: Float32Array,
  dy: Float32Array,
  info: {
    batchSize: number;
    inHeight: number;
    inWidth: number;
    inChannels: number;
    outHeight: number;
    outWidth: number;
    strideHeight: number;
    strideWidth: number;
    dilationHeight: number;
    dilationWidth: number;
    effectiveFilterHeight: number;
    effectiveFilterWidth: number;
    padInfo: { top: number; left: number };
  },
  dx: Float32Array,
): void {
  const { inHeight, inWidth, inChannels: channels } = info;
  dx.fill(0);
  // Per channel of the current window: its first maximum and where it is. Channels run
  // innermost, so every read walks memory contiguously.
  const best = new Float32Array(channels);
  const position = new Int32Array(channels);
  let source = 0;
  for (let n = 0; n < info.batchSize; n++) {
    const image = n * inHeight * inWidth * channels;
    for (let oy = 0; oy < info.outHeight; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top;
      for (let ox = 0; ox < info.outWidth; ox++, source += channels) {
        const x0 = ox * info.strideWidth - info.padInfo.left;
        position.fill(-1);
        for (let ky = 0; ky < info.effectiveFilterHeight; ky += info.dilationHeight) {
          const y = y0 + ky;
          if (y < 0 || y >= inHeight) continue;
          for (let kx = 0; kx < info.effectiveFilterWidth; kx += info.dilationWidth) {
            const xx = x0 + kx;
            if (xx < 0 || xx >= inWidth) continue;
            const pixel = image + (y * inWidth + xx) * channels;
            for (let c = 0; c < channels; c++) {
              const value = x[pixel + c];
              // The first in-image value of the window, then only a strictly larger one (a
              // NaN never wins after the first): tfjs cpu's choice among ties.
              if (position[c] < 0 || value > best[c]) {
                best[c] = value;
                position[c] = pixel + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          if (position[c] >= 0) dx[position[c]] += dy[source + c];
        }
      }
    }
  }
}
