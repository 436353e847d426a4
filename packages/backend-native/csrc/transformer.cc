#include "transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "thread_pool.h"

namespace residual {
namespace {

// The element-wise loops also get an AVX2 clone where the compiler can make one (GCC on x86-64),
// picked at load time: twice the lanes of the baseline's SSE2. Without FMA, so both clones round
// every operation alike and give the same values.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RESIDUAL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RESIDUAL_CLONES
#endif

constexpr int64_t kTaskElements = 32768;  // values per task: small tensors run on one thread

template <typename Fn>
void for_blocks(int64_t size, const Fn& fn) {
  const int64_t ntasks = (size + kTaskElements - 1) / kTaskElements;
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    fn(task * kTaskElements, std::min(size, (task + 1) * kTaskElements));
  });
}

// exp(t - n ln 2) for the integer n nearest t / ln 2 (so |r| <= ln 2 / 2): ln 2 in two parts
// keeps r exact, and Cephes' expf polynomial gives exp(r) within about one ulp.
inline float exp_reduced(float t, float nf) {
  const float r = (t - nf * 0.693359375f) + nf * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return p * r * r + r + 1.0f;
}

// 2^n as a float, built in the exponent bits (-126 <= n <= 127).
inline float two_to(int32_t n) {
  const int32_t bits = (n + 127) << 23;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// exp(t) for t <= 0 in branch-free float arithmetic the compiler vectorises (std::exp does not
// vectorise): exp_reduced times 2^n. Below -87 it flushes towards 0 like expf.
inline float exp_nonpositive(float t) {
  t = t < -87.0f ? -87.0f : t;
  const float scaled = t * 1.44269504088896341f;
  const int32_t n = static_cast<int32_t>(scaled - 0.5f);  // rounds half away; scaled <= 0
  return exp_reduced(t, static_cast<float>(n)) * two_to(n);
}

// exp(t) over the whole float range, as exp_nonpositive: NaN stays NaN, above ln(FLT_MAX) it is
// +inf, and below ln(FLT_MIN) (about -87.34) 0, where expf would give a subnormal under
// 1.2e-38. 2^n is 2^(n/2) * 2^(n - n/2): n runs to 128 near the top, whose 2^n alone has no
// float.
inline float exp_any(float t) {
  // std::min/max and the selects below, not branches, so that the loop vectorises.
  const float clamped = std::min(std::max(t, -87.5f), 88.75f);
  // Rounds to nearest by truncating a positive number: scaled + 128 lies in [1.7, 256.1].
  const int32_t n = static_cast<int32_t>(clamped * 1.44269504088896341f + 128.5f) - 128;
  const int32_t half = n >> 1;
  const float value = exp_reduced(clamped, static_cast<float>(n)) * two_to(half) * two_to(n - half);
  const float bounded = t > 88.72283935546875f ? INFINITY : value;
  const float floored = t < -87.33654022216797f ? 0.f : bounded;
  return t != t ? t : floored;
}

// Phi(x) given e = exp(-x^2 / 2) (also phi(x) * sqrt(2 pi)).
inline float normal_cdf(float x, float e) {
  const float u = std::fabs(x) * 0.70710678118654752f;
  const float t = 1.0f / (1.0f + 0.3275911f * u);
  const float poly =
      ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t +
       0.254829592f) *
      t;
  const float erf = 1.0f - poly * e;
  return 0.5f * (1.0f + std::copysign(erf, x));
}

RESIDUAL_CLONES void gelu_range(const float* x, float* y, int64_t i0, int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) {
    const float xi = x[i];
    y[i] = xi * normal_cdf(xi, exp_nonpositive(-0.5f * xi * xi));
  }
}

RESIDUAL_CLONES void gelu_backward_range(const float* x, const float* dy, float* dx, int64_t i0,
                                         int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) {
    const float xi = x[i];
    const float e = exp_nonpositive(-0.5f * xi * xi);
    dx[i] = dy[i] * (normal_cdf(xi, e) + xi * e * 0.39894228040143268f);
  }
}

RESIDUAL_CLONES void exp_range(const float* x, float* y, int64_t i0, int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) y[i] = exp_any(x[i]);
}

}  // namespace

void exp_values(const float* x, float* y, int64_t size) {
  for_blocks(size, [&](int64_t i0, int64_t i1) { exp_range(x, y, i0, i1); });
}

void gelu(const float* x, float* y, int64_t size) {
  for_blocks(size, [&](int64_t i0, int64_t i1) { gelu_range(x, y, i0, i1); });
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t size) {
  for_blocks(size, [&](int64_t i0, int64_t i1) { gelu_backward_range(x, dy, dx, i0, i1); });
}

void adamw_update(const float* weight, const float* m, const float* v, const float* gradient,
                  const AdamWConstants& k, float* new_weight, float* new_m, float* new_v,
                  int64_t size) {
  // Multiplying by one leaves every value as it is: the branch leaves the loop.
  const float decay = k.decayed ? k.decay : 1.0f;
  for_blocks(size, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float g = gradient[i];
      const float mi = m[i] * k.beta1 + g * k.one_minus_beta1;
      const float vi = v[i] * k.beta2 + (g * g) * k.one_minus_beta2;
      const float w = weight[i] * decay;
      const float denominator = std::sqrt(vi) / k.root_correction2 + k.epsilon;
      new_weight[i] = w - (mi / denominator) * k.step_size;
      new_m[i] = mi;
      new_v[i] = vi;
    }
  });
}

template <typename Fn>
void for_row_blocks(int64_t rows, int64_t width, const Fn& fn) {
  const int64_t per_task = std::max<int64_t>(1, kTaskElements / std::max<int64_t>(1, width));
  const int64_t ntasks = (rows + per_task - 1) / per_task;
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    fn(task * per_task, std::min(rows, (task + 1) * per_task));
  });
}

void layer_norm(const float* x, const float* gamma, const float* beta, double epsilon, float* y,
                float* mean, float* inv_std, int64_t rows, int64_t width) {
  for_row_blocks(rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * width;
      float* yr = y + r * width;
      double sum = 0;
      for (int64_t c = 0; c < width; ++c) sum += xr[c];
      const double mu = sum / static_cast<double>(width);
      double squares = 0;
      for (int64_t c = 0; c < width; ++c) {
        const double d = xr[c] - mu;
        squares += d * d;
      }
      const double rstd = 1.0 / std::sqrt(squares / static_cast<double>(width) + epsilon);
      mean[r] = static_cast<float>(mu);
      inv_std[r] = static_cast<float>(rstd);
      for (int64_t c = 0; c < width; ++c) {
        double value = (xr[c] - mu) * rstd;
        if (gamma != nullptr) value *= gamma[c];
        if (beta != nullptr) value += beta[c];
        yr[c] = static_cast<float>(value);
      }
    }
  });
}

void layer_norm_backward(const float* x, const float* dy, const float* mean, const float* inv_std,
                         const float* gamma, float* dx, float* d_gamma, float* d_beta,
                         int64_t rows, int64_t width) {
  for_row_blocks(rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * width;
      const float* dyr = dy + r * width;
      const double mu = mean[r], rstd = inv_std[r];
      double sum_g = 0, sum_g_x_hat = 0;
      for (int64_t c = 0; c < width; ++c) {
        const double x_hat = (xr[c] - mu) * rstd;
        const double g = gamma == nullptr ? dyr[c] : static_cast<double>(dyr[c]) * gamma[c];
        sum_g += g;
        sum_g_x_hat += g * x_hat;
      }
      const double mean_g = sum_g / static_cast<double>(width);
      const double mean_g_x_hat = sum_g_x_hat / static_cast<double>(width);
      float* dxr = dx + r * width;
      for (int64_t c = 0; c < width; ++c) {
        const double x_hat = (xr[c] - mu) * rstd;
        const double g = gamma == nullptr ? dyr[c] : static_cast<double>(dyr[c]) * gamma[c];
        dxr[c] = static_cast<float>(rstd * (g - mean_g - x_hat * mean_g_x_hat));
      }
    }
  });
  // The column sums on one thread, rows in order: a few hundred thousand multiply-adds.
  std::vector<double> sum_gamma(width, 0.0), sum_beta(width, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * width;
    const float* dyr = dy + r * width;
    const double mu = mean[r], rstd = inv_std[r];
    for (int64_t c = 0; c < width; ++c) {
      const double d = dyr[c];
      sum_gamma[c] += d * ((xr[c] - mu) * rstd);
      sum_beta[c] += d;
    }
  }
  for (int64_t c = 0; c < width; ++c) {
    d_gamma[c] = static_cast<float>(sum_gamma[c]);
    d_beta[c] = static_cast<float>(sum_beta[c]);
  }
}

void causal_softmax(const float* x, float* y, int64_t size, int64_t length, float scale) {
  const int64_t rows = length == 0 ? 0 : size / length;
  for_row_blocks(rows, length, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * length;
      float* yr = y + r * length;
      const int64_t valid = r % length + 1;  // keys 0..t
      float max = scale * xr[0];
      for (int64_t s = 1; s < valid; ++s) max = std::max(max, scale * xr[s]);
      for (int64_t s = 0; s < valid; ++s) yr[s] = exp_nonpositive(scale * xr[s] - max);
      double sum = 0;
      for (int64_t s = 0; s < valid; ++s) sum += yr[s];
      const float inverse = static_cast<float>(1.0 / sum);
      for (int64_t s = 0; s < valid; ++s) yr[s] *= inverse;
      for (int64_t s = valid; s < length; ++s) yr[s] = 0.0f;
    }
  });
}

void causal_softmax_backward(const float* y, const float* dy, float* dx, int64_t size,
                             int64_t length, float scale) {
  const int64_t rows = length == 0 ? 0 : size / length;
  for_row_blocks(rows, length, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* yr = y + r * length;
      const float* dyr = dy + r * length;
      float* dxr = dx + r * length;
      const int64_t valid = r % length + 1;
      double dot = 0;
      for (int64_t s = 0; s < valid; ++s) dot += static_cast<double>(yr[s]) * dyr[s];
      const float d = static_cast<float>(dot);
      for (int64_t s = 0; s < valid; ++s) dxr[s] = scale * yr[s] * (dyr[s] - d);
      for (int64_t s = valid; s < length; ++s) dxr[s] = 0.0f;
    }
  });
}

}  // namespace residual
