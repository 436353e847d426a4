#include "igemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "thread_pool.h"

namespace residual {

void bias_activation_row(float* y, int count, const float* bias, int bias_size,
                         int first_channel, Activation activation) {
  if (bias != nullptr) {
    if (bias_size == 1) {
      for (int n = 0; n < count; ++n) y[n] += bias[0];
    } else {
      const float* b = bias + first_channel;
      for (int n = 0; n < count; ++n) y[n] += b[n];
    }
  }
  if (activation == Activation::kRelu) {
    for (int n = 0; n < count; ++n) y[n] = std::max(y[n], 0.f);
  } else if (activation == Activation::kRelu6) {
    for (int n = 0; n < count; ++n) y[n] = std::min(std::max(y[n], 0.f), 6.f);
  }
}

float* thread_scratch(ScratchSlot slot, size_t size) {
  thread_local std::vector<float> buffers[static_cast<int>(ScratchSlot::kCount)];
  std::vector<float>& buffer = buffers[static_cast<int>(slot)];
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

void zero_fill_rows(const IGemmProblem& p) {
  for (int n = 0; n < p.batch; ++n)
    for (int qy = 0; qy < p.rows_h; ++qy)
      for (int qx = 0; qx < p.rows_w; ++qx) {
        const int y = p.dst_y0 + qy * p.dst_sy, x = p.dst_x0 + qx * p.dst_sx;
        float* c = p.dst + ((static_cast<int64_t>(n) * p.dst_h + y) * p.dst_w + x) * p.dst_pix +
                   p.dst_c0;
        std::memset(c, 0, sizeof(float) * p.nc);
        bias_activation_row(c, p.nc, p.bias, p.bias_size, p.dst_c0, p.activation);
      }
}

void run_igemm(const IGemmProblem& p, const IGemmKernel& kern, const float* packed_b, int kc) {
  const int MR = kern.mr, NR = kern.nr;
  const int ntaps = static_cast<int>(p.tap_dy.size());
  const int64_t M = static_cast<int64_t>(p.batch) * p.rows_h * p.rows_w;
  if (M == 0 || p.nc == 0) return;
  if (ntaps == 0 || p.cs == 0) {
    zero_fill_rows(p);
    return;
  }
  ThreadPool& pool = ThreadPool::instance();
  const int64_t ntiles = (M + MR - 1) / MR;
  const int npanels = ceil_div(p.nc, NR);

  // Blocks of about 96 rows; at least ~8 blocks when there are enough rows, so that both
  // threads stay busy whatever the other processes on the machine do.
  int64_t tb = std::max<int64_t>(1, 96 / MR);
  tb = std::min<int64_t>(tb, std::max<int64_t>(1, ntiles / 8));
  const int64_t nblocks = (ntiles + tb - 1) / tb;
  // Few row blocks (small images, batch 1): also split the column panels.
  int per_group = npanels;
  if (nblocks < 8)
    per_group = ceil_div(npanels, static_cast<int>(std::min<int64_t>(
                                      npanels, (8 + nblocks - 1) / nblocks)));
  const int ngroups = ceil_div(npanels, per_group);

  std::vector<float> zeros(p.cs, 0.f);  // stands in for padding pixels
  // The taps' reach, and their offsets from a pixel's first channel inside the source.
  const int dy_min = *std::min_element(p.tap_dy.begin(), p.tap_dy.end());
  const int dy_max = *std::max_element(p.tap_dy.begin(), p.tap_dy.end());
  const int dx_min = *std::min_element(p.tap_dx.begin(), p.tap_dx.end());
  const int dx_max = *std::max_element(p.tap_dx.begin(), p.tap_dx.end());
  std::vector<std::ptrdiff_t> tap_offset(ntaps);
  for (int t = 0; t < ntaps; ++t)
    tap_offset[t] = (static_cast<std::ptrdiff_t>(p.tap_dy[t]) * p.src_w + p.tap_dx[t]) * p.src_pix;
  std::vector<float> sink(NR, 0.f);     // target of rows past M (never written: mr masks them)
  struct Scratch {
    std::vector<const float*> a;
    std::vector<float*> c;
  };
  const int hw = p.rows_h * p.rows_w;

  pool.parallel_for(static_cast<int>(nblocks * ngroups), [&](int task, int) {
    const int64_t blk = task / ngroups;
    const int grp = task % ngroups;
    const int64_t tile0 = blk * tb;
    const int64_t tile1 = std::min(ntiles, tile0 + tb);
    const int ntile = static_cast<int>(tile1 - tile0);
    // Allocated by the thread that uses it: per-thread buffers allocated together would share
    // cache lines between cores (measured 1.4x slower on two threads).
    Scratch s;
    s.a.resize(static_cast<size_t>(ntile) * ntaps * MR);
    s.c.resize(static_cast<size_t>(ntile) * MR);

    // Row pointers of every tile in this block. The coordinates of consecutive rows are
    // stepped, not divided out: with few channels this setup costs as much as the product.
    // A row whose taps all fall inside the image (most rows) needs no bounds checks: its
    // pointers are one base plus the taps' fixed offsets. At the border, padding points at zeros.
    const int64_t m0 = tile0 * MR;
    int n = static_cast<int>(m0 / hw);
    int rem = static_cast<int>(m0 - static_cast<int64_t>(n) * hw);
    int qy = rem / p.rows_w, qx = rem - qy * p.rows_w;
    for (int i = 0; i < ntile; ++i) {
      const float** a = s.a.data() + static_cast<size_t>(i) * ntaps * MR;
      float** c = s.c.data() + static_cast<size_t>(i) * MR;
      for (int r = 0; r < MR; ++r) {
        const int64_t m = (tile0 + i) * MR + r;
        if (m >= M) {
          for (int t = 0; t < ntaps; ++t) a[t * MR + r] = zeros.data();
          c[r] = sink.data();
          continue;
        }
        const float* img = p.src + static_cast<int64_t>(n) * p.src_h * p.src_w * p.src_pix;
        const int y_base = qy * p.step_y, x_base = qx * p.step_x;
        if (y_base + dy_min >= 0 && y_base + dy_max < p.src_h && x_base + dx_min >= 0 &&
            x_base + dx_max < p.src_w) {
          const float* base =
              img + (static_cast<int64_t>(y_base) * p.src_w + x_base) * p.src_pix + p.src_c0;
          for (int t = 0; t < ntaps; ++t) a[t * MR + r] = base + tap_offset[t];
        } else {
          for (int t = 0; t < ntaps; ++t) {
            const int iy = y_base + p.tap_dy[t];
            const int ix = x_base + p.tap_dx[t];
            a[t * MR + r] = (static_cast<unsigned>(iy) < static_cast<unsigned>(p.src_h) &&
                             static_cast<unsigned>(ix) < static_cast<unsigned>(p.src_w))
                                ? img + (static_cast<int64_t>(iy) * p.src_w + ix) * p.src_pix +
                                      p.src_c0
                                : zeros.data();
          }
        }
        const int y = p.dst_y0 + qy * p.dst_sy;
        const int x = p.dst_x0 + qx * p.dst_sx;
        c[r] = p.dst + ((static_cast<int64_t>(n) * p.dst_h + y) * p.dst_w + x) * p.dst_pix +
               p.dst_c0;
        if (++qx == p.rows_w) {
          qx = 0;
          if (++qy == p.rows_h) {
            qy = 0;
            ++n;
          }
        }
      }
    }

    const int pan0 = grp * per_group;
    const int pan1 = std::min(npanels, pan0 + per_group);
    const int64_t rows_left = M - tile0 * MR;
    for (int c0 = 0; c0 < p.cs; c0 += kc) {
      const int kcb = std::min(kc, p.cs - c0);
      for (int pan = pan0; pan < pan1; ++pan) {
        const float* b = packed_b + static_cast<size_t>(pan) * ntaps * p.cs * NR +
                         static_cast<size_t>(ntaps) * c0 * NR;
        const int nr = std::min(NR, p.nc - pan * NR);
        for (int i = 0; i < ntile; ++i) {
          const int mr =
              static_cast<int>(std::min<int64_t>(MR, rows_left - static_cast<int64_t>(i) * MR));
          kern.fn(ntaps, kcb, s.a.data() + static_cast<size_t>(i) * ntaps * MR, c0, b,
                  s.c.data() + static_cast<size_t>(i) * MR, pan * NR, mr, nr, c0 > 0);
        }
      }
    }
    if (p.bias != nullptr || p.activation != Activation::kLinear) {
      const int n0 = pan0 * NR, n1 = std::min(p.nc, pan1 * NR);
      for (int64_t r = 0; r < std::min<int64_t>(rows_left, int64_t{ntile} * MR); ++r)
        bias_activation_row(s.c[r] + n0, n1 - n0, p.bias, p.bias_size, p.dst_c0 + n0, p.activation);
    }
  });
}

}  // namespace residual
