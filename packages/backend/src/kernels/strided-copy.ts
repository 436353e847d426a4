type TypedArray = Float32Array | Int32Array | Uint8Array;

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
