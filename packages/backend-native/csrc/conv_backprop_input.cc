// Input gradient: the transposed convolution, split into stride_h x stride_w phases so that no
// multiply touches one of the zeros a strided transposed convolution inserts; each phase is an
// indirect GEMM over dy with the taps that reach it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "conv.h"
#include "dispatch.h"
#include "igemm.h"
#include "row_conv.h"
#include "thread_pool.h"

namespace residual {
namespace {

// dx[y] sums dy[oy] * w[ky]^T over (oy, ky) with oy * stride - pad + ky * dil == y. For
// y = r + stride * q, only taps with (r + pad - ky * dil) divisible by the stride contribute,
// at oy = q + (r + pad - ky * dil) / stride.
void phase_taps(int r, int pad, int k, int dil, int stride, std::vector<int>* taps,
                std::vector<int>* offsets) {
  for (int kk = 0; kk < k; ++kk) {
    const int num = r + pad - kk * dil;
    if (((num % stride) + stride) % stride == 0) {
      taps->push_back(kk);
      offsets->push_back(num / stride);  // exact
    }
  }
}

// A stride-1, undilated input gradient is a forward convolution of dy with the filter turned by
// 180 degrees and its channel axes swapped, padded by k - 1 - pad: run it by the row kernel
// when that suits the shape (few input channels). Returns false, writing nothing, otherwise.
bool backprop_input_as_forward(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (s.stride_h != 1 || s.stride_w != 1 || s.dil_h != 1 || s.dil_w != 1) return false;
  if (s.pad_top > s.k_h - 1 || s.pad_left > s.k_w - 1) return false;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  ConvShape t = s;
  t.in_h = s.out_h;
  t.in_w = s.out_w;
  t.in_c = s.out_c;
  t.out_h = s.in_h;
  t.out_w = s.in_w;
  t.out_c = s.in_c;
  t.pad_top = s.k_h - 1 - s.pad_top;
  t.pad_left = s.k_w - 1 - s.pad_left;
  if (!row_conv_suits(t)) return false;
  // turned[ky][kx][co][g * cig + ci] = w[k_h - 1 - ky][k_w - 1 - kx][ci][g * cog + co]
  std::vector<float> turned(w_size(s));
  for (int ky = 0; ky < s.k_h; ++ky)
    for (int kx = 0; kx < s.k_w; ++kx)
      for (int g = 0; g < s.groups; ++g)
        for (int co = 0; co < cog; ++co)
          for (int ci = 0; ci < cig; ++ci)
            turned[((static_cast<size_t>(ky) * s.k_w + kx) * cog + co) * s.in_c + g * cig + ci] =
                w[((static_cast<size_t>(s.k_h - 1 - ky) * s.k_w + (s.k_w - 1 - kx)) * cig + ci) *
                      s.out_c +
                  g * cog + co];
  return conv2d_forward_rows(t, dy, turned.data(), nullptr, 0, Activation::kLinear, dx);
}

// Columns of dcol held at once (1 MB): whole output rows, at least one.
constexpr int64_t kMaxColumnFloats = int64_t{1} << 19;

// Adds one filter row's columns of one dcol row into a dx row, for undilated columns: output
// pixel ox's taps kx = 0..k_w-1 reach input pixels ix0 + kx (ix0 = ox * stride - pad), so its
// k_w * in_c columns (tap-major, channel-minor) add to one contiguous run of the dx row, clipped
// at the image edges. `taps` points at tap (ky, 0) of output pixel 0; pixels are `ncols` apart.
void add_tap_row_segments(const ConvShape& s, const float* taps, int ncols, float* dx_row) {
  for (int ox = 0; ox < s.out_w; ++ox) {
    const int ix0 = ox * s.stride_w - s.pad_left;
    const int lo = std::max(0, -ix0) * s.in_c;
    const int hi = std::min(s.k_w, s.in_w - ix0) * s.in_c;
    const float* src = taps + static_cast<int64_t>(ox) * ncols;
    float* dst = dx_row + static_cast<int64_t>(ix0) * s.in_c;
    for (int j = lo; j < hi; ++j) dst[j] += src[j];
  }
}

// The same for dilated columns: tap by tap, every stride_w-th input pixel.
void add_tap_row_strided(const ConvShape& s, const float* taps, int ncols, float* dx_row) {
  for (int kx = 0; kx < s.k_w; ++kx) {
    // The input columns tap kx reaches: ix + pad_left - kx * dil_w = ox * stride_w.
    const int shift = s.pad_left - kx * s.dil_w;
    int ix = ((-shift) % s.stride_w + s.stride_w) % s.stride_w;
    int ox = (ix + shift) / s.stride_w;
    if (ox < 0) {  // the first reachable column, then every stride_w-th
      ix += -ox * s.stride_w;
      ox = 0;
    }
    const float* c = taps + static_cast<int64_t>(ox) * ncols + kx * s.in_c;
    for (; ix < s.in_w && ox < s.out_w; ix += s.stride_w, ++ox, c += ncols) {
      float* o = dx_row + static_cast<int64_t>(ix) * s.in_c;
      for (int ci = 0; ci < s.in_c; ++ci) o[ci] += c[ci];
    }
  }
}

// With few input channels (a 3-channel stem) each phase's product would fill 3 of a tile's 16 or
// 32 columns. Instead: dcol = dy · wᵀ, one product with a column per (tap, input channel), then
// dx gathers, for each input pixel, the columns of the output pixels its taps reach (col2im,
// in a fixed tap order: the same bits for any thread count). Returns false, writing nothing,
// when the shape has enough input channels for the phases.
bool backprop_input_by_columns(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int ntaps = s.k_h * s.k_w;
  const int ncols = ntaps * s.in_c;
  if (s.groups != 1 || s.in_c > 4 || ncols < 32 || s.out_c == 0) return false;
  const IGemmKernel& kern = pick_igemm(ncols);
  const int kc = igemm_channel_block(1, s.out_c);
  // B(co, n) = w[tap][ci][co] with n = tap * in_c + ci.
  const float* b = pack_igemm_b(1, s.out_c, ncols, kern.nr, kc, [&](int, int co, int n) {
    return w[static_cast<size_t>(n) * s.out_c + co];
  });
  const int64_t row_cols = static_cast<int64_t>(s.out_w) * ncols;
  const int rows_per_chunk =
      static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(s.out_h, kMaxColumnFloats / row_cols)));
  // One image per task, on one thread (the product inside runs serially): the images share
  // nothing, so the two cores never wait on each other or pass cache lines between them.
  ThreadPool::instance().parallel_for(s.batch, [&](int n, int) {
    float* dcol = thread_scratch(ScratchSlot::kColumns, rows_per_chunk * row_cols);
    float* dx_image = dx + static_cast<int64_t>(n) * s.in_h * s.in_w * s.in_c;
    std::fill(dx_image, dx_image + static_cast<int64_t>(s.in_h) * s.in_w * s.in_c, 0.f);
    // Output rows a chunk at a time, so dcol stays in cache between its product and its use.
    for (int oy0 = 0; oy0 < s.out_h; oy0 += rows_per_chunk) {
      const int oy1 = std::min(s.out_h, oy0 + rows_per_chunk);
      IGemmProblem p;
      p.batch = 1;
      p.rows_h = oy1 - oy0;
      p.rows_w = s.out_w;
      p.src = dy + ((static_cast<int64_t>(n) * s.out_h + oy0) * s.out_w) * s.out_c;
      p.src_h = oy1 - oy0;
      p.src_w = s.out_w;
      p.src_pix = s.out_c;
      p.cs = s.out_c;
      p.tap_dy = {0};
      p.tap_dx = {0};
      p.dst = dcol;
      p.dst_h = oy1 - oy0;
      p.dst_w = s.out_w;
      p.dst_pix = ncols;
      p.nc = ncols;
      run_igemm(p, kern, b, kc);
      // dx[iy][ix][ci] += the columns of the chunk's output pixels whose taps reach (iy, ix),
      // for each input row in the order of ky, then ox.
      const int iy0 = std::max(0, oy0 * s.stride_h - s.pad_top);
      const int iy1 =
          std::min(s.in_h, (oy1 - 1) * s.stride_h - s.pad_top + (s.k_h - 1) * s.dil_h + 1);
      for (int iy = iy0; iy < iy1; ++iy) {
        float* out = dx_image + static_cast<int64_t>(iy) * s.in_w * s.in_c;
        for (int ky = 0; ky < s.k_h; ++ky) {
          const int ny = iy + s.pad_top - ky * s.dil_h;
          if (ny < 0 || ny % s.stride_h != 0) continue;
          const int oy = ny / s.stride_h;
          if (oy < oy0 || oy >= oy1) continue;
          const float* taps = dcol + (oy - oy0) * row_cols + ky * s.k_w * s.in_c;
          if (s.dil_w == 1) {
            add_tap_row_segments(s, taps, ncols, out);
          } else {
            add_tap_row_strided(s, taps, ncols, out);
          }
        }
      }
    }
  });
  return true;
}

}  // namespace

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  if (backprop_input_as_forward(s, dy, w, dx)) return;
  if (backprop_input_by_columns(s, dy, w, dx)) return;
  const int cig = s.in_c / s.groups, cog = s.out_c / s.groups;
  const IGemmKernel& kern = pick_igemm(cig);
  for (int g = 0; g < s.groups; ++g)
    for (int ry = 0; ry < s.stride_h; ++ry)
      for (int rx = 0; rx < s.stride_w; ++rx) {
        IGemmProblem p;
        p.batch = s.batch;
        p.rows_h = ry < s.in_h ? ceil_div(s.in_h - ry, s.stride_h) : 0;
        p.rows_w = rx < s.in_w ? ceil_div(s.in_w - rx, s.stride_w) : 0;
        if (p.rows_h == 0 || p.rows_w == 0) continue;
        std::vector<int> kys, offy, kxs, offx;
        phase_taps(ry, s.pad_top, s.k_h, s.dil_h, s.stride_h, &kys, &offy);
        phase_taps(rx, s.pad_left, s.k_w, s.dil_w, s.stride_w, &kxs, &offx);
        std::vector<int> tap_index;  // the filter tap ky * k_w + kx
        for (size_t i = 0; i < kys.size(); ++i)
          for (size_t j = 0; j < kxs.size(); ++j) {
            p.tap_dy.push_back(offy[i]);
            p.tap_dx.push_back(offx[j]);
            tap_index.push_back(kys[i] * s.k_w + kxs[j]);
          }
        p.src = dy;
        p.src_h = s.out_h;
        p.src_w = s.out_w;
        p.src_pix = s.out_c;
        p.src_c0 = g * cog;
        p.cs = cog;
        p.dst = dx;
        p.dst_h = s.in_h;
        p.dst_w = s.in_w;
        p.dst_pix = s.in_c;
        p.dst_c0 = g * cig;
        p.dst_y0 = ry;
        p.dst_x0 = rx;
        p.dst_sy = s.stride_h;
        p.dst_sx = s.stride_w;
        p.nc = cig;
        const int ntaps = static_cast<int>(tap_index.size());
        if (ntaps == 0 || cog == 0) {
          zero_fill_rows(p);
          continue;
        }
        const int kc = igemm_channel_block(ntaps, cog);
        // B(t, co, ci) = w[tap][ci][co]
        const float* b =
            pack_igemm_b(ntaps, cog, cig, kern.nr, kc, [&](int t, int co, int ci) {
              return w[(static_cast<size_t>(tap_index[t]) * cig + ci) * s.out_c + g * cog + co];
            });
        run_igemm(p, kern, b, kc);
      }
}

}  // namespace residual
