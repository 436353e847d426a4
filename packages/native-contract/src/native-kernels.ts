// The one declaration of the native kernels' interface: @residual/backend-native implements it
// (its addon registers exactly these entry points, from the generated csrc/contract.h) and
// @residual/backend calls it.
import type { ActivationCode, BinaryOpCode } from './native-codes.js';

/**
 * The native kernels. Tensors are Float32Arrays (views of a WebAssembly.Memory work: nothing is
 * copied); `geometry` comes from `convGeometryArray`. Every call is synchronous, overwrites its
 * output, and throws a TypeError or RangeError when an array is too small, detached or overlaps.
 */
export interface NativeKernels {
  /**
   * y = activation(conv2d(x, filter) + bias). `bias` holds `outChannels` values or one (null:
   * none); `activation` is one of {@link ACTIVATIONS} (default linear).
   */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    y: Float32Array,
    geometry: Int32Array,
    bias?: Float32Array | null,
    activation?: ActivationCode,
  ): void;
  /** dx = the gradient of conv2d with respect to x, given dy. */
  conv2dBackpropInput(
    dy: Float32Array,
    filter: Float32Array,
    dx: Float32Array,
    geometry: Int32Array,
  ): void;
  /** dFilter = the gradient of conv2d with respect to the filter, given x and dy. */
  conv2dBackpropFilter(
    x: Float32Array,
    dy: Float32Array,
    dFilter: Float32Array,
    geometry: Int32Array,
  ): void;
  /**
   * out = op(a, b) over a `[rows, cols]` output, one of {@link BINARY_OPS}. Value (r, c) of an
   * input is `data[r * rowStride + c * colStride]`: strides (cols, 1) read a whole tensor, (0, 0)
   * a scalar, (0, 1) a vector along the last axis, (1, 0) one value per row.
   */
  binary(
    op: BinaryOpCode,
    a: Float32Array,
    aRowStride: number,
    aColStride: number,
    b: Float32Array,
    bRowStride: number,
    bColStride: number,
    out: Float32Array,
    rows: number,
    cols: number,
  ): void;
  /** out = max(x, 0); NaN stays NaN and −0 stays −0, as tfjs's relu keeps them. */
  relu(x: Float32Array, out: Float32Array): void;
  /**
   * The gradient of relu in one pass, bit for bit tfjs cpu's `dy · step(x)`: dy where x > 0,
   * NaN where x is NaN, else `dy · 0`.
   */
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /**
   * y = (x − mean) · scale / √(variance + epsilon) + offset, over rows of `channels` values;
   * each parameter holds `channels` values or one.
   */
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    offset: Float32Array | null,
    epsilon: number,
    y: Float32Array,
    channels: number,
  ): void;
  /**
   * The batch-norm gradient over rows of `channels` values, in two passes: dx = dy · invStd ·
   * scale, sumDy = Σ dy and sumDyCentered = Σ dy · (x − mean) per channel. `invStd` holds
   * 1 / √(variance + epsilon); `scale` may be null (one).
   */
  batchNormBackward(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    scale: Float32Array | null,
    dx: Float32Array,
    sumDy: Float32Array,
    sumDyCentered: Float32Array,
    channels: number,
  ): void;
  /**
   * Per-channel mean and biased variance of x seen as rows of `channels` values (batch norm's
   * training statistics), in two passes (the variance sums squares of centred values).
   */
  batchNormMoments(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    channels: number,
  ): void;
  /**
   * The whole training gradient of batch norm when mean and invStd = 1 / √(variance + epsilon)
   * are the batch's own statistics: dOffset = Σ dy, dScale = Σ dy · x̂ with x̂ = (x − mean) ·
   * invStd, dx = scale · invStd · (dy − dOffset / n − x̂ · dScale / n), n rows. `scale` may be
   * null (one).
   */
  batchNormTrainingBackward(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    scale: Float32Array | null,
    dx: Float32Array,
    dScale: Float32Array,
    dOffset: Float32Array,
    channels: number,
  ): void;
  /**
   * Layer normalisation of rows of `width` values: per row mean and invStd = 1 / √(variance +
   * epsilon) (biased variance, float64), y = (x − mean) · invStd · gamma + beta; gamma and beta
   * (`width` values) may be null. Writes y and each row's mean and invStd.
   */
  layerNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    epsilon: number,
    y: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    width: number,
  ): void;
  /**
   * The whole gradient of `layerNorm` through each row's statistics: with x̂ = (x − mean) · invStd
   * and g = dy · gamma, dx = invStd · (g − mean(g) − x̂ · mean(g · x̂)) per row; dGamma = Σ dy · x̂
   * and dBeta = Σ dy over rows, in row order (float64).
   */
  layerNormBackward(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    gamma: Float32Array | null,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
    width: number,
  ): void;
  /**
   * Causal softmax over rows of `length` scores, `length` rows per matrix: row t of each matrix
   * is softmax(scale · x[s]) over s ≤ t and 0 for s > t (a query attends to the keys up to its
   * own position). Each row on its own: the same for any thread count.
   */
  causalSoftmax(x: Float32Array, y: Float32Array, length: number, scale: number): void;
  /** Its gradient: dx = scale · y · (dy − Σ_s y[s] · dy[s]) per row (0 where masked). */
  causalSoftmaxBackward(
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    length: number,
    scale: number,
  ): void;
  /**
   * y = eˣ, within about one ulp of `Math.fround(Math.exp(x))`: NaN stays NaN, +∞ above
   * ln(FLT_MAX), 0 where the result would be subnormal (x < −87.34). Each value on its own.
   */
  exp(x: Float32Array, y: Float32Array): void;
  /**
   * GELU with the exact Φ: y = x · ½(1 + erf(x/√2)), erf as Abramowitz & Stegun 7.1.26 (the one
   * tfjs's kernels compute). Each value on its own: the same for any thread count.
   */
  gelu(x: Float32Array, y: Float32Array): void;
  /** GELU's gradient: dx = dy · (Φ(x) + x · φ(x)). */
  geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /**
   * One AdamW step of one weight, every operation rounded to float32 in the order of the tfjs
   * composition: m′ = β₁m + (1−β₁)g, v′ = β₂v + (1−β₂)g·g, w′ = w·decay − (m′ / (√v′ / c₂ + ε)) ·
   * stepSize. `constants` holds β₁, β₂, 1−β₁, 1−β₂, decay, stepSize, c₂ = √(1−β₂ᵗ), ε and
   * whether to decay (1 or 0).
   */
  adamwUpdate(
    weight: Float32Array,
    m: Float32Array,
    v: Float32Array,
    gradient: Float32Array,
    constants: Float32Array,
    newWeight: Float32Array,
    newM: Float32Array,
    newV: Float32Array,
  ): void;
  /**
   * One SGD-with-momentum step of one weight, every operation rounded to float32 in the order of
   * the tfjs composition: g′ = g + w·λ (decayed weights), v′ = v·μ + g′, w′ = w − v′·η (Nesterov:
   * w′ = w − (g′ + v′·μ)·η). `constants` holds η, μ, λ, whether to decay and whether Nesterov
   * (1 or 0).
   */
  sgdMomentumUpdate(
    weight: Float32Array,
    velocity: Float32Array,
    gradient: Float32Array,
    constants: Float32Array,
    newWeight: Float32Array,
    newVelocity: Float32Array,
  ): void;
  /** out[o, i] = scale · Σ_r x[o, r, i], x seen as `[outer, reduce, inner]`. */
  sumMiddleAxis(
    x: Float32Array,
    outer: number,
    reduce: number,
    inner: number,
    scale: number,
    out: Float32Array,
  ): void;
  /**
   * Constant padding: `layout` is `[rank, ...inShape, ...before, ...after]` (rank ≤ 8, pads ≥ 0);
   * `out` gets `x` at offset `before` and `value` everywhere else.
   */
  pad(x: Float32Array, layout: Int32Array, value: number, out: Float32Array): void;
  /**
   * `out[i₀, …, iₙ₋₁] = x[Σ i_d · strides[d]]` for `i_d < sizes[d]`, out contiguous: `layout` is
   * `[rank, ...sizes, ...strides]` (rank ≤ 8, strides ≥ 0). A transpose permutes the strides, a
   * subsampling multiplies them; a slice passes `x.subarray(offset)`.
   */
  stridedCopy(x: Float32Array, layout: Int32Array, out: Float32Array): void;
  /**
   * The gradient of a 2-D max pool over NHWC `x`: each output's `dy` added to the first maximum
   * of its window (padding never wins, ties to the first in row-major window order, as tfjs's
   * cpu backend), every other value of `dx` zero. `geometry` is `[batch, inHeight, inWidth,
   * channels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
   * effectiveFilterHeight, effectiveFilterWidth, padTop, padLeft]`.
   */
  maxPoolBackward(x: Float32Array, dy: Float32Array, geometry: Int32Array, dx: Float32Array): void;
  /**
   * The gradient of a nearest-neighbour resize over NHWC: every value of `dx` zero, then each
   * output pixel's `dy` added to the input pixel it was copied from, summed in row-major order
   * of the outputs (the same bits for any thread count). `layout` is `[batch, inHeight, inWidth,
   * channels, outHeight, outWidth, ...sourceRow (one per output row), ...sourceColumn (one per
   * output column)]`.
   */
  resizeNearestBackward(dy: Float32Array, layout: Int32Array, dx: Float32Array): void;
  /**
   * Batched matrix products `c[i] = op(a[i]) · op(b[i])`, row-major, op transposing when asked:
   * `shape` is `[batch, batchA, batchB, m, k, n, transA, transB]` (0/1 flags); `a` holds batchA
   * matrices ([m, k], or [k, m] transposed) and `b` batchB ([k, n], or [n, k]), each count being
   * batch or 1 (one matrix shared by every product); `c` gets `[batch, m, n]`. `bias` (n values,
   * or 1) is then added to every row and the activation (see {@link ACTIVATIONS}) applied, as
   * tfjs's `_FusedMatMul` does.
   */
  matMul(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    shape: Int32Array,
    bias?: Float32Array | null,
    activation?: ActivationCode,
  ): void;
  /** Threads the kernels use, the calling thread included. */
  threads(): number;
  /** Sets the thread count; 0 means one per logical CPU. */
  setThreads(count: number): void;
  /** The micro-kernel instruction set in use: `avx512`, `avx2` or `generic`. */
  isa(): string;
  /** Switches the instruction set (for tests and benchmarks); false when the CPU lacks it. */
  setIsa(isa: 'auto' | 'avx512' | 'avx2' | 'generic'): boolean;
}
