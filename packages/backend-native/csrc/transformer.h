// Element-wise kernels of transformer training: GELU forward and backward, exp and the AdamW update,
// multi-threaded over blocks of values. Each value is computed on its own, so results do not
// depend on the thread count.
#pragma once
#include <cstdint>

namespace residual {

// y = exp(x) over `size` values, within about one ulp of expf; NaN stays NaN, results below
// FLT_MIN (x < -87.34) are 0 instead of subnormal. Softmax and log-softmax losses' exponentials.
void exp_values(const float* x, float* y, int64_t size);

// y = x * Phi(x) with the exact Phi = (1 + erf(x / sqrt 2)) / 2, erf as Abramowitz & Stegun
// 7.1.26 (|error| <= 1.5e-7, tfjs's), over `size` values.
void gelu(const float* x, float* y, int64_t size);

// dx = dy * (Phi(x) + x * phi(x)), phi the standard normal density.
void gelu_backward(const float* x, const float* dy, float* dx, int64_t size);

// One AdamW step, each operation a float32 operation in the order of the tfjs composition (no
// contraction into fused multiply-adds): bit for bit what the composition gives.
struct AdamWConstants {
  float beta1, beta2, one_minus_beta1, one_minus_beta2, decay, step_size, root_correction2,
      epsilon;
  bool decayed;
};
void adamw_update(const float* weight, const float* m, const float* v, const float* gradient,
                  const AdamWConstants& k, float* new_weight, float* new_m, float* new_v,
                  int64_t size);

// Layer normalisation of `rows` rows of `width` values, statistics in float64: mean and
// inv_std = 1 / sqrt(biased variance + epsilon) per row, y = (x - mean) * inv_std * gamma + beta;
// gamma and beta may be null. Rows run in parallel.
void layer_norm(const float* x, const float* gamma, const float* beta, double epsilon, float* y,
                float* mean, float* inv_std, int64_t rows, int64_t width);

// Its gradient through the row statistics: dx per row (in parallel); d_gamma = sum dy * x_hat and
// d_beta = sum dy over rows in row order, in float64 (the same for any thread count).
void layer_norm_backward(const float* x, const float* dy, const float* mean, const float* inv_std,
                         const float* gamma, float* dx, float* d_gamma, float* d_beta,
                         int64_t rows, int64_t width);

// Causal softmax over rows of `length` scores, `length` rows per matrix (size / length rows in
// all): row t of a matrix is softmax(scale * x[s]) over s <= t, 0 for s > t.
void causal_softmax(const float* x, float* y, int64_t size, int64_t length, float scale);

// Its gradient: dx = scale * y * (dy - sum_s y[s] * dy[s]) per row.
void causal_softmax_backward(const float* y, const float* dy, float* dx, int64_t size,
                             int64_t length, float scale);

}  // namespace residual
