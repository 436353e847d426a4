// Broadcasting element-wise operations, batch normalisation and reductions over float32 tensors, multi-threaded. Each output
// value is computed by one task in a fixed order, so results do not depend on the thread count.
#pragma once
#include <cstdint>

#include "contract.h"

namespace residual {

// BinaryOp (the codes of `binary`) comes from contract.h.

// One input of a binary operation over a [rows, cols] output: value (r, c) is
// data[r * row_stride + c * col_stride]. (cols, 1) is a whole tensor, (0, 0) a scalar, (0, 1)
// a vector along the last axis (a per-channel parameter), (1, 0) one value per row.
struct Operand {
  const float* data;
  int64_t row_stride;
  int64_t col_stride;
};

// The largest index `operand` reads over a [rows, cols] output, plus one.
int64_t operand_extent(const Operand& operand, int64_t rows, int64_t cols);

void binary(BinaryOp op, const Operand& a, const Operand& b, float* out, int64_t rows,
            int64_t cols);

// y = max(x, 0) over `size` values; NaN stays NaN and -0 stays -0, as tfjs's relu keeps them.
void relu(const float* x, float* y, int64_t size);

// The gradient of relu in one pass, bit for bit tfjs cpu's dy * step(x): dy where x > 0, NaN
// where x is NaN, else dy * 0 (-0 for a negative dy, NaN for an infinite one).
void relu_backward(const float* x, const float* dy, float* dx, int64_t size);

// One SGD-with-momentum step (PyTorch's form), each operation rounded to float32 in the order of
// the tfjs composition: g' = g + w * weight_decay (decayed weights), v' = v * momentum + g',
// u = nesterov ? g' + v' * momentum : v', w' = w - u * learning_rate.
struct SgdMomentumConstants {
  float learning_rate, momentum, weight_decay;
  bool decayed, nesterov;
};
void sgd_momentum_update(const float* weight, const float* velocity, const float* gradient,
                         const SgdMomentumConstants& k, float* new_weight, float* new_velocity,
                         int64_t size);

// y = (x - mean) * scale / sqrt(variance + epsilon) + offset over [rows, channels]; each
// parameter has `channels` values or one (then broadcast); scale and offset may be null.
struct BatchNormParams {
  const float* mean;
  int64_t mean_size;
  const float* variance;
  int64_t variance_size;
  const float* scale;
  int64_t scale_size;
  const float* offset;
  int64_t offset_size;
  float epsilon;
};
void batch_norm(const float* x, const BatchNormParams& params, float* y, int64_t rows,
                int64_t channels);

// The batch-norm gradient over [rows, channels], in two passes instead of tfjs's fourteen:
// dx = (dy * inv_std) * scale, and per channel sum_dy = sum dy and
// sum_dy_centered = sum dy * (x - mean). inv_std holds 1 / sqrt(variance + epsilon) per channel;
// scale may be null (one). The sums are blocked like sum_middle_axis (deterministic).
void batch_norm_backward(const float* x, const float* dy, const float* mean, const float* inv_std,
                         const float* scale, float* dx, float* sum_dy, float* sum_dy_centered,
                         int64_t rows, int64_t channels);

// Constant padding of a tensor of `rank` <= 8 dimensions: out has shape
// out_shape[d] = in_shape[d] + before[d] + after[d]; the input is copied at offset `before` and
// every other value is `value`. Negative pads are not supported (tfjs has none).
constexpr int kMaxPadRank = 8;
void pad(const float* x, int rank, const int64_t* in_shape, const int64_t* before,
         const int64_t* out_shape, float value, float* out);

// out[i_0, ..., i_{rank-1}] = x[sum_d i_d * strides[d]] for i_d < sizes[d], out contiguous: a
// transpose (strides permuted), a subsampling (strides multiplied) or a slice (x offset by the
// caller). rank <= kMaxPadRank; strides >= 0.
void strided_copy(const float* x, int rank, const int64_t* sizes, const int64_t* strides,
                  float* out);

// The geometry of a 2-D max pool over NHWC input, as tfjs computes it (Conv2DInfo).
struct MaxPoolGeometry {
  int64_t batch, in_height, in_width, channels, out_height, out_width;
  int64_t stride_height, stride_width, dilation_height, dilation_width;
  int64_t filter_height, filter_width;  // effective: dilation included
  int64_t pad_top, pad_left;
};

// The gradient of a max pool: dx zeroed, then each output's dy added at the first maximum of
// its window (padding never wins; a later value must be strictly larger, so ties and NaNs go to
// the first), as tfjs's cpu backend does. Images in parallel, each summed in one fixed order.
void max_pool_backward(const float* x, const float* dy, const MaxPoolGeometry& g, float* dx);

// The gradient of a nearest-neighbour resize over NHWC: dx [batch, in_height, in_width,
// channels] zeroed, then each output pixel's dy [batch, out_height, out_width, channels] added
// to the input pixel (row_source[oy], col_source[ox]) it was copied from. One task per input
// row sums each value over its outputs in row-major order: the same for any thread count.
struct ResizeGeometry {
  int64_t batch, in_height, in_width, channels, out_height, out_width;
};
void resize_nearest_backward(const float* dy, const ResizeGeometry& g, const int32_t* row_source,
                             const int32_t* col_source, float* dx);

// Per-channel mean and biased variance of x seen as [rows, channels] (what batch norm
// normalises with in training), in two passes: the variance sums squares of centred values.
void batch_norm_moments(const float* x, int64_t rows, int64_t channels, float* mean,
                        float* variance);

// The whole training gradient of y = (x - mean) * inv_std * scale + offset when mean and
// inv_std = 1 / sqrt(variance + epsilon) are the batch's own statistics (they depend on x too),
// in two passes: d_offset = sum dy, d_scale = sum dy * x_hat with x_hat = (x - mean) * inv_std,
// dx = scale * inv_std * (dy - d_offset / rows - x_hat * d_scale / rows). scale may be null.
void batch_norm_training_backward(const float* x, const float* dy, const float* mean,
                                  const float* inv_std, const float* scale, float* dx,
                                  float* d_scale, float* d_offset, int64_t rows,
                                  int64_t channels);

// out[o, i] = scale * sum_r x[o, r, i] for x seen as [outer, reduce, inner]. The reduced axis
// is cut into blocks fixed by the shape; blocks are summed in float, then added in order in
// double.
void sum_middle_axis(const float* x, int64_t outer, int64_t reduce, int64_t inner, double scale,
                     float* out);

}  // namespace residual
