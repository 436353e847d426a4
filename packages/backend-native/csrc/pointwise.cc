#include "pointwise.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "thread_pool.h"

namespace residual {
namespace {

constexpr int64_t kTaskElements = 32768;  // elements per task: small ops run on one thread

template <BinaryOp op>
inline float apply(float a, float b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kSquaredDifference: return (a - b) * (a - b);
    // NaN in either input gives NaN, as in TensorFlow.js.
    case BinaryOp::kMaximum: return std::isnan(a) || std::isnan(b) ? NAN : (a > b ? a : b);
    case BinaryOp::kMinimum: return std::isnan(a) || std::isnan(b) ? NAN : (a < b ? a : b);
  }
  return 0.f;
}

// One row segment, with the column strides known at compile time so the loop vectorises.
template <BinaryOp op, int acs, int bcs>
void row(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t c = 0; c < n; ++c) out[c] = apply<op>(a[c * acs], b[c * bcs]);
}

template <BinaryOp op>
void binary_op(const Operand& a, const Operand& b, float* out, int64_t rows, int64_t cols) {
  using RowFn = void (*)(const float*, const float*, float*, int64_t);
  RowFn fn = a.col_stride != 0 ? (b.col_stride != 0 ? row<op, 1, 1> : row<op, 1, 0>)
                               : (b.col_stride != 0 ? row<op, 0, 1> : row<op, 0, 0>);
  const int64_t total = rows * cols;
  const int64_t ntasks = (total + kTaskElements - 1) / kTaskElements;
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    const int64_t e1 = std::min(total, (task + 1) * kTaskElements);
    for (int64_t e = task * kTaskElements; e < e1;) {
      const int64_t r = e / cols, c = e - r * cols;
      const int64_t n = std::min(cols - c, e1 - e);
      fn(a.data + r * a.row_stride + c * a.col_stride, b.data + r * b.row_stride + c * b.col_stride,
         out + e, n);
      e += n;
    }
  });
}

template <UnaryOp op>
void unary_op(const float* x, float* y, int64_t n, float alpha) {
  const int64_t ntasks = (n + kTaskElements - 1) / kTaskElements;
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    const int64_t i1 = std::min(n, (task + 1) * kTaskElements);
    for (int64_t i = task * kTaskElements; i < i1; ++i) {
      const float v = x[i];
      switch (op) {
        case UnaryOp::kRelu: y[i] = v < 0.f ? 0.f : v; break;
        case UnaryOp::kStep: y[i] = v > 0.f ? 1.f : (std::isnan(v) ? v : alpha); break;
        case UnaryOp::kSquare: y[i] = v * v; break;
        case UnaryOp::kNeg: y[i] = -v; break;
      }
    }
  });
}

}  // namespace

int64_t operand_extent(const Operand& operand, int64_t rows, int64_t cols) {
  if (rows == 0 || cols == 0) return 0;
  return (rows - 1) * operand.row_stride + (cols - 1) * operand.col_stride + 1;
}

void binary(BinaryOp op, const Operand& a, const Operand& b, float* out, int64_t rows,
            int64_t cols) {
  if (rows == 0 || cols == 0) return;
  switch (op) {
    case BinaryOp::kAdd: return binary_op<BinaryOp::kAdd>(a, b, out, rows, cols);
    case BinaryOp::kSub: return binary_op<BinaryOp::kSub>(a, b, out, rows, cols);
    case BinaryOp::kMul: return binary_op<BinaryOp::kMul>(a, b, out, rows, cols);
    case BinaryOp::kDiv: return binary_op<BinaryOp::kDiv>(a, b, out, rows, cols);
    case BinaryOp::kSquaredDifference:
      return binary_op<BinaryOp::kSquaredDifference>(a, b, out, rows, cols);
    case BinaryOp::kMaximum: return binary_op<BinaryOp::kMaximum>(a, b, out, rows, cols);
    case BinaryOp::kMinimum: return binary_op<BinaryOp::kMinimum>(a, b, out, rows, cols);
  }
}

void unary(UnaryOp op, const float* x, float* y, int64_t n, float alpha) {
  switch (op) {
    case UnaryOp::kRelu: return unary_op<UnaryOp::kRelu>(x, y, n, alpha);
    case UnaryOp::kStep: return unary_op<UnaryOp::kStep>(x, y, n, alpha);
    case UnaryOp::kSquare: return unary_op<UnaryOp::kSquare>(x, y, n, alpha);
    case UnaryOp::kNeg: return unary_op<UnaryOp::kNeg>(x, y, n, alpha);
  }
}

void batch_norm(const float* x, const BatchNormParams& p, float* y, int64_t rows,
                int64_t channels) {
  if (rows == 0 || channels == 0) return;
  // Per channel: y = x * multiplier + shift.
  std::vector<float> multiplier(channels), shift(channels);
  auto at = [](const float* v, int64_t size, int64_t c, float missing) {
    return v == nullptr ? missing : v[size == 1 ? 0 : c];
  };
  for (int64_t c = 0; c < channels; ++c) {
    const float inv = 1.f / std::sqrt(at(p.variance, p.variance_size, c, 0.f) + p.epsilon);
    multiplier[c] = at(p.scale, p.scale_size, c, 1.f) * inv;
    shift[c] = at(p.offset, p.offset_size, c, 0.f) - at(p.mean, p.mean_size, c, 0.f) * multiplier[c];
  }
  const int64_t rows_per_task = std::max<int64_t>(1, kTaskElements / channels);
  const int64_t ntasks = (rows + rows_per_task - 1) / rows_per_task;
  const float* m = multiplier.data();
  const float* s = shift.data();
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    const int64_t r1 = std::min(rows, (task + 1) * rows_per_task);
    for (int64_t r = task * rows_per_task; r < r1; ++r) {
      const float* xr = x + r * channels;
      float* yr = y + r * channels;
      for (int64_t c = 0; c < channels; ++c) yr[c] = xr[c] * m[c] + s[c];
    }
  });
}

void sum_middle_axis(const float* x, int64_t outer, int64_t reduce, int64_t inner, double scale,
                     float* out) {
  if (outer == 0 || inner == 0) return;
  // Sums rows [r0, r1) of slice o into acc (inner floats), in order.
  auto block_sum = [&](int64_t o, int64_t r0, int64_t r1, float* acc) {
    const float* base = x + o * reduce * inner;
    if (inner == 1) {
      float sum = 0.f;
      for (int64_t r = r0; r < r1; ++r) sum += base[r];
      acc[0] = sum;
      return;
    }
    std::fill(acc, acc + inner, 0.f);
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = base + r * inner;
      for (int64_t i = 0; i < inner; ++i) acc[i] += xr[i];
    }
  };
  ThreadPool& pool = ThreadPool::instance();
  const int64_t block = std::max<int64_t>(1, kTaskElements / inner);
  if (reduce <= block) {
    // One block per slice: whole slices per task, straight into the output.
    const int64_t per_task = std::max<int64_t>(1, kTaskElements / std::max<int64_t>(1, reduce * inner));
    const int64_t ntasks = (outer + per_task - 1) / per_task;
    pool.parallel_for(static_cast<int>(ntasks), [&](int task, int) {
      std::vector<float> acc(inner);
      const int64_t o1 = std::min(outer, (task + 1) * per_task);
      for (int64_t o = task * per_task; o < o1; ++o) {
        block_sum(o, 0, reduce, acc.data());
        for (int64_t i = 0; i < inner; ++i)
          out[o * inner + i] = static_cast<float>(static_cast<double>(acc[i]) * scale);
      }
    });
    return;
  }
  const int64_t nblocks = (reduce + block - 1) / block;
  std::vector<float> partial(static_cast<size_t>(outer * nblocks * inner));
  pool.parallel_for(static_cast<int>(outer * nblocks), [&](int task, int) {
    const int64_t o = task / nblocks, blk = task % nblocks;
    block_sum(o, blk * block, std::min(reduce, (blk + 1) * block),
              partial.data() + static_cast<size_t>(task) * inner);
  });
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0;
      for (int64_t blk = 0; blk < nblocks; ++blk)
        sum += partial[static_cast<size_t>((o * nblocks + blk) * inner + i)];
      out[o * inner + i] = static_cast<float>(sum * scale);
    }
}

}  // namespace residual
