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

// Calls fn(r0, r1) for blocks of rows [r0, r1) of about kTaskElements values each (rows of
// `cols` values), on the pool.
template <class Fn>
void for_row_blocks(int64_t rows, int64_t cols, const Fn& fn) {
  const int64_t per_task = std::max<int64_t>(1, kTaskElements / std::max<int64_t>(1, cols));
  const int64_t ntasks = (rows + per_task - 1) / per_task;
  ThreadPool::instance().parallel_for(static_cast<int>(ntasks), [&](int task, int) {
    fn(task * per_task, std::min(rows, (task + 1) * per_task));
  });
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
  // Blocks of elements, not of rows: a row may be split between tasks.
  for_row_blocks(rows * cols, 1, [&](int64_t e0, int64_t e1) {
    for (int64_t e = e0; e < e1;) {
      const int64_t r = e / cols, c = e - r * cols;
      const int64_t n = std::min(cols - c, e1 - e);
      fn(a.data + r * a.row_stride + c * a.col_stride, b.data + r * b.row_stride + c * b.col_stride,
         out + e, n);
      e += n;
    }
  });
}

// Per-channel sums over [rows, channels] in blocks of rows fixed by the shape: fill(r0, r1, sums)
// adds rows [r0, r1) into `count` zeroed arrays of `channels` floats (sums, sums + channels, ...);
// the blocks' sums are then added in order in double into out[0..count). Results do not depend
// on the thread count.
template <class Fill, class... Out>
void channel_sums(int64_t rows, int64_t channels, int count, const Fill& fill, Out*... out) {
  float* outs[] = {out...};
  if (rows == 0 || channels == 0) {
    for (float* o : outs) std::fill(o, o + channels, 0.f);
    return;
  }
  const int64_t block = std::max<int64_t>(1, kTaskElements / channels);
  const int64_t nblocks = (rows + block - 1) / block;
  const int64_t stride = count * channels;
  std::vector<float> partial(static_cast<size_t>(nblocks * stride));
  ThreadPool::instance().parallel_for(static_cast<int>(nblocks), [&](int task, int) {
    // Summed in a buffer of the task's own, then copied: neighbouring blocks' sums share cache
    // lines, and two cores adding into them row after row ran slower than one.
    std::vector<float> sums(static_cast<size_t>(stride), 0.f);
    fill(task * block, std::min(rows, (task + 1) * block), sums.data());
    std::copy(sums.begin(), sums.end(), partial.data() + static_cast<size_t>(task) * stride);
  });
  for (int i = 0; i < count; ++i)
    for (int64_t c = 0; c < channels; ++c) {
      double sum = 0;
      for (int64_t blk = 0; blk < nblocks; ++blk)
        sum += partial[static_cast<size_t>(blk * stride + i * channels + c)];
      outs[i][c] = static_cast<float>(sum);
    }
}

}  // namespace

int64_t operand_extent(const Operand& operand, int64_t rows, int64_t cols) {
  if (rows == 0 || cols == 0) return 0;
  return (rows - 1) * operand.row_stride + (cols - 1) * operand.col_stride + 1;
}

void binary(BinaryOp op, const Operand& a_in, const Operand& b_in, float* out, int64_t rows,
            int64_t cols) {
  if (rows == 0 || cols == 0) return;
  // Operands that run on from one row into the next (whole tensors, scalars) are one long row:
  // segments of a whole task instead of one call per row (16 values, for NHWC with 16
  // channels: same-shape adds ran 2.5x slower than they stream).
  Operand a = a_in, b = b_in;
  const auto continuous = [&](const Operand& o) { return o.row_stride == cols * o.col_stride; };
  if (continuous(a) && continuous(b)) {
    a.row_stride = rows * cols * a.col_stride;
    b.row_stride = rows * cols * b.col_stride;
    cols *= rows;
    rows = 1;
  }
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

void relu(const float* x, float* y, int64_t size) {
  // A loop the compiler vectorises. NaN < 0 is false, so NaN passes through, and -0 stays -0, as
  // in tfjs's relu.
  for_row_blocks(size, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) y[i] = x[i] < 0.f ? 0.f : x[i];
  });
}

void relu_backward(const float* x, const float* dy, float* dx, int64_t size) {
  for_row_blocks(size, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float step = x[i] > 0.f ? 1.f : (x[i] != x[i] ? x[i] : 0.f);
      dx[i] = dy[i] * step;
    }
  });
}

void sgd_momentum_update(const float* weight, const float* velocity, const float* gradient,
                         const SgdMomentumConstants& k, float* new_weight, float* new_velocity,
                         int64_t size) {
  for_row_blocks(size, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float g = k.decayed ? gradient[i] + weight[i] * k.weight_decay : gradient[i];
      const float v = velocity[i] * k.momentum + g;
      const float update = k.nesterov ? g + v * k.momentum : v;
      new_weight[i] = weight[i] - update * k.learning_rate;
      new_velocity[i] = v;
    }
  });
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
  const float* m = multiplier.data();
  const float* s = shift.data();
  for_row_blocks(rows, channels, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      float* yr = y + r * channels;
      for (int64_t c = 0; c < channels; ++c) yr[c] = xr[c] * m[c] + s[c];
    }
  });
}

void batch_norm_backward(const float* x, const float* dy, const float* mean, const float* inv_std,
                         const float* scale, float* dx, float* sum_dy, float* sum_dy_centered,
                         int64_t rows, int64_t channels) {
  // One pass: the sums, and dx's direct part on the way.
  channel_sums(rows, channels, 2, [&](int64_t r0, int64_t r1, float* sums) {
    float* s_dy = sums;
    float* s_dyc = sums + channels;
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      const float* dyr = dy + r * channels;
      float* dxr = dx + r * channels;
      for (int64_t c = 0; c < channels; ++c) {
        const float g = dyr[c];
        s_dy[c] += g;
        s_dyc[c] += g * (xr[c] - mean[c]);
        const float d = g * inv_std[c];
        dxr[c] = scale == nullptr ? d : d * scale[c];
      }
    }
  }, sum_dy, sum_dy_centered);
}

void batch_norm_moments(const float* x, int64_t rows, int64_t channels, float* mean,
                        float* variance) {
  channel_sums(rows, channels, 1, [&](int64_t r0, int64_t r1, float* sums) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      for (int64_t c = 0; c < channels; ++c) sums[c] += xr[c];
    }
  }, mean);
  const float inv_rows = rows == 0 ? 0.f : static_cast<float>(1.0 / static_cast<double>(rows));
  for (int64_t c = 0; c < channels; ++c) mean[c] *= inv_rows;
  // Second pass over the centred values: no cancellation when the mean dwarfs the spread.
  channel_sums(rows, channels, 1, [&](int64_t r0, int64_t r1, float* sums) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      for (int64_t c = 0; c < channels; ++c) {
        const float d = xr[c] - mean[c];
        sums[c] += d * d;
      }
    }
  }, variance);
  for (int64_t c = 0; c < channels; ++c) variance[c] *= inv_rows;
}

void batch_norm_training_backward(const float* x, const float* dy, const float* mean,
                                  const float* inv_std, const float* scale, float* dx,
                                  float* d_scale, float* d_offset, int64_t rows,
                                  int64_t channels) {
  // Pass 1: d_offset = sum dy, and sum dy * (x - mean) (d_scale before the inv_std factor).
  channel_sums(rows, channels, 2, [&](int64_t r0, int64_t r1, float* sums) {
    float* s_dy = sums;
    float* s_dyc = sums + channels;
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      const float* dyr = dy + r * channels;
      for (int64_t c = 0; c < channels; ++c) {
        s_dy[c] += dyr[c];
        s_dyc[c] += dyr[c] * (xr[c] - mean[c]);
      }
    }
  }, d_offset, d_scale);
  // Pass 2: dx = k * (dy - d_offset / n - (x - mean) * inv_std^2 * sum_dyc / n), k = scale * inv_std,
  // as dx = dy * k + x * b + a per channel.
  std::vector<float> k(channels), b(channels), a(channels);
  const double inv_rows = rows == 0 ? 0.0 : 1.0 / static_cast<double>(rows);
  for (int64_t c = 0; c < channels; ++c) {
    const double is = inv_std[c];
    const double kc = (scale == nullptr ? 1.0 : scale[c]) * is;
    const double bc = -kc * is * is * d_scale[c] * inv_rows;
    k[c] = static_cast<float>(kc);
    b[c] = static_cast<float>(bc);
    a[c] = static_cast<float>(-kc * d_offset[c] * inv_rows - bc * mean[c]);
    d_scale[c] = static_cast<float>(d_scale[c] * is);
  }
  for_row_blocks(rows, channels, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * channels;
      const float* dyr = dy + r * channels;
      float* dxr = dx + r * channels;
      for (int64_t c = 0; c < channels; ++c) dxr[c] = dyr[c] * k[c] + xr[c] * b[c] + a[c];
    }
  });
}

void pad(const float* x, int rank, const int64_t* in_shape, const int64_t* before,
         const int64_t* out_shape, float value, float* out) {
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  // The dimensions after the last padded one are copied whole: fold them into that one, so a
  // row is, in NHWC, a whole padded image row (34 pixels × 16 channels), not one pixel. Finding
  // each row's input row costs a division per dimension; per pixel it cost more than the copy.
  int last = rank - 1;
  while (last > 0 && before[last] == 0 && out_shape[last] == in_shape[last]) --last;
  int64_t unit = 1;
  for (int d = last + 1; d < rank; ++d) unit *= out_shape[d];
  int64_t out_rows = 1;
  for (int d = 0; d < last; ++d) out_rows *= out_shape[d];
  const int64_t out_cols = out_shape[last] * unit;
  if (out_rows == 0 || out_cols == 0) return;
  const int64_t in_cols = in_shape[last] * unit, left = before[last] * unit;
  for_row_blocks(out_rows, out_cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      float* o = out + r * out_cols;
      // The input row this output row copies, if it lies inside the input.
      int64_t in_row = 0, rest = r, stride = 1;
      bool inside = in_cols > 0;
      for (int d = last - 1; d >= 0; --d) {
        const int64_t i = rest % out_shape[d] - before[d];
        rest /= out_shape[d];
        if (i < 0 || i >= in_shape[d]) inside = false;
        in_row += i * stride;
        stride *= in_shape[d];
      }
      if (!inside) {
        std::fill(o, o + out_cols, value);
        continue;
      }
      std::fill(o, o + left, value);
      std::copy(x + in_row * in_cols, x + (in_row + 1) * in_cols, o + left);
      std::fill(o + left + in_cols, o + out_cols, value);
    }
  });
}

void strided_copy(const float* x, int rank, const int64_t* sizes, const int64_t* strides,
                  float* out) {
  // Drop axes of size 1 and merge neighbours that are one run in x (a transpose of NHWC keeps N
  // and H together), so rows are as long and the per-row index updates as few as possible.
  int64_t size[kMaxPadRank], stride[kMaxPadRank];
  int n = 0;
  for (int d = 0; d < rank; ++d) {
    if (sizes[d] == 0) return;
    if (sizes[d] == 1) continue;
    if (n > 0 && stride[n - 1] == strides[d] * sizes[d]) {
      size[n - 1] *= sizes[d];
      stride[n - 1] = strides[d];
      continue;
    }
    size[n] = sizes[d];
    stride[n] = strides[d];
    ++n;
  }
  if (n == 0) {
    out[0] = x[0];
    return;
  }
  const int64_t cols = size[n - 1], step = stride[n - 1];
  int64_t rows = 1;
  for (int d = 0; d + 1 < n; ++d) rows *= size[d];
  for_row_blocks(rows, cols, [&](int64_t r0, int64_t r1) {
    // The index of row r0 over the outer axes, then advanced like an odometer: no division per
    // row (rows of a transpose are as short as 16 values).
    int64_t index[kMaxPadRank] = {0};
    int64_t offset = 0;
    for (int64_t d = n - 2, rest = r0; d >= 0; --d) {
      index[d] = rest % size[d];
      rest /= size[d];
      offset += index[d] * stride[d];
    }
    for (int64_t r = r0; r < r1; ++r) {
      const float* src = x + offset;
      float* dst = out + r * cols;
      if (step == 1) {
        std::copy(src, src + cols, dst);
      } else {
        for (int64_t c = 0; c < cols; ++c) dst[c] = src[c * step];
      }
      for (int d = n - 2; d >= 0; --d) {
        offset += stride[d];
        if (++index[d] < size[d]) break;
        offset -= index[d] * stride[d];
        index[d] = 0;
      }
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
    std::vector<float> acc(inner);  // the task's own (see channel_sums)
    block_sum(o, blk * block, std::min(reduce, (blk + 1) * block), acc.data());
    std::copy(acc.begin(), acc.end(), partial.data() + static_cast<size_t>(task) * inner);
  });
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0;
      for (int64_t blk = 0; blk < nblocks; ++blk)
        sum += partial[static_cast<size_t>((o * nblocks + blk) * inner + i)];
      out[o * inner + i] = static_cast<float>(sum * scale);
    }
}

void max_pool_backward(const float* x, const float* dy, const MaxPoolGeometry& g, float* dx) {
  const int64_t channels = g.channels;
  const int64_t image_size = g.in_height * g.in_width * channels;
  const int64_t out_image_size = g.out_height * g.out_width * channels;
  // Windows overlap, so two outputs of one image may add to the same dx value: one task per
  // image keeps every sum in the order of the outputs, whatever the thread count.
  ThreadPool::instance().parallel_for(static_cast<int>(g.batch), [&](int n, int) {
    const float* xn = x + n * image_size;
    const float* dyn = dy + n * out_image_size;
    float* dxn = dx + n * image_size;
    std::fill(dxn, dxn + image_size, 0.f);
    // 32-bit positions (an image's values are fewer than 2^31, checked by the caller) so the
    // compare-and-select below vectorises with the float lanes.
    std::vector<float> best(static_cast<size_t>(channels));
    std::vector<int32_t> where(static_cast<size_t>(channels));
    float* best_c = best.data();
    int32_t* where_c = where.data();
    for (int64_t oy = 0; oy < g.out_height; ++oy) {
      const int64_t y0 = oy * g.stride_height - g.pad_top;
      for (int64_t ox = 0; ox < g.out_width; ++ox) {
        const int64_t x0 = ox * g.stride_width - g.pad_left;
        bool first = true;
        for (int64_t ky = 0; ky < g.filter_height; ky += g.dilation_height) {
          const int64_t y = y0 + ky;
          if (y < 0 || y >= g.in_height) continue;
          for (int64_t kx = 0; kx < g.filter_width; kx += g.dilation_width) {
            const int64_t xx = x0 + kx;
            if (xx < 0 || xx >= g.in_width) continue;
            const int32_t pixel = static_cast<int32_t>((y * g.in_width + xx) * channels);
            const float* px = xn + pixel;
            if (first) {
              for (int32_t c = 0; c < channels; ++c) {
                best_c[c] = px[c];
                where_c[c] = pixel + c;
              }
              first = false;
              continue;
            }
            for (int32_t c = 0; c < channels; ++c) {
              const bool larger = px[c] > best_c[c];
              best_c[c] = larger ? px[c] : best_c[c];
              where_c[c] = larger ? pixel + c : where_c[c];
            }
          }
        }
        if (first) continue;  // a window wholly in the padding
        const float* d = dyn + (oy * g.out_width + ox) * channels;
        for (int32_t c = 0; c < channels; ++c) dxn[where_c[c]] += d[c];
      }
    }
  });
}

void resize_nearest_backward(const float* dy, const ResizeGeometry& g, const int32_t* row_source,
                             const int32_t* col_source, float* dx) {
  const int64_t in_row = g.in_width * g.channels, out_row = g.out_width * g.channels;
  const int rows = static_cast<int>(g.batch * g.in_height);
  ThreadPool::instance().parallel_for(rows, [&](int task, int) {
    const int64_t n = task / g.in_height, iy = task % g.in_height;
    float* dx_row = dx + task * in_row;
    std::fill(dx_row, dx_row + in_row, 0.f);
    for (int64_t oy = 0; oy < g.out_height; ++oy) {
      if (row_source[oy] != iy) continue;
      const float* dy_row = dy + (n * g.out_height + oy) * out_row;
      for (int64_t ox = 0; ox < g.out_width; ++ox) {
        float* to = dx_row + col_source[ox] * g.channels;
        const float* from = dy_row + ox * g.channels;
        for (int64_t c = 0; c < g.channels; ++c) to[c] += from[c];
      }
    }
  });
}

}  // namespace residual
